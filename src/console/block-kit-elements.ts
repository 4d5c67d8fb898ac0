import { BLOCK_KIT_LIMITS as L, BUTTON_STYLES } from './block-kit-limits';

/**
 * Collects Block Kit problems as Slack words them: `<what> [json-pointer:<where>]`.
 * Validators add to it and never throw, so one response lists every problem at once.
 */
export class Problems {
  readonly list: string[] = [];
  add(message: string, pointer: string): void {
    this.list.push(`${message} [json-pointer:${pointer}]`);
  }
}

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses fields the type does not have, which is how typos such as `actionId` surface. */
export function checkKeys(p: Problems, obj: Json, allowed: readonly string[], pointer: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) p.add(`unsupported field: ${key}`, `${pointer}/${key}`);
  }
}

/** A string field: present when required, 1..max characters. */
export function checkString(p: Problems, value: unknown, pointer: string, max: number, required = true): void {
  if (value === undefined) {
    if (required) p.add('missing required field', pointer);
    return;
  }
  if (typeof value !== 'string') return p.add('must be a string', pointer);
  if (value.length === 0) p.add('must be more than 0 characters', pointer);
  if (value.length > max) p.add(`must be less than ${max + 1} characters`, pointer);
}

/** A text object (`plain_text` or `mrkdwn`) whose `text` holds at most `max` characters. */
export function checkText(
  p: Problems,
  value: unknown,
  pointer: string,
  opts: { max: number; plainOnly?: boolean; required?: boolean },
): void {
  if (value === undefined) {
    if (opts.required ?? true) p.add('missing required field', pointer);
    return;
  }
  if (!isObject(value)) return p.add('must provide an object', pointer);
  checkKeys(p, value, ['type', 'text', 'emoji', 'verbatim'], pointer);
  if (value.type === 'plain_text') {
    if (value.emoji !== undefined && typeof value.emoji !== 'boolean') p.add('must be a boolean', `${pointer}/emoji`);
    if (value.verbatim !== undefined) p.add('unsupported field: verbatim', `${pointer}/verbatim`);
  } else if (value.type === 'mrkdwn' && !opts.plainOnly) {
    if (value.emoji !== undefined) p.add('unsupported field: emoji', `${pointer}/emoji`);
  } else {
    p.add(`must be one of: ${opts.plainOnly ? 'plain_text' : 'plain_text, mrkdwn'}`, `${pointer}/type`);
  }
  checkString(p, value.text, `${pointer}/text`, opts.max);
}

function checkConfirm(p: Problems, value: unknown, pointer: string): void {
  if (!isObject(value)) return p.add('must provide an object', pointer);
  checkKeys(p, value, ['title', 'text', 'confirm', 'deny', 'style'], pointer);
  checkText(p, value.title, `${pointer}/title`, { max: L.confirmTitle, plainOnly: true });
  checkText(p, value.text, `${pointer}/text`, { max: L.confirmText });
  checkText(p, value.confirm, `${pointer}/confirm`, { max: L.confirmButton, plainOnly: true });
  checkText(p, value.deny, `${pointer}/deny`, { max: L.confirmButton, plainOnly: true });
  if (value.style !== undefined && !(BUTTON_STYLES as readonly unknown[]).includes(value.style)) {
    p.add(`must be one of: ${BUTTON_STYLES.join(', ')}`, `${pointer}/style`);
  }
}

export function checkButton(p: Problems, el: Json, pointer: string): void {
  checkKeys(p, el, ['type', 'text', 'action_id', 'url', 'value', 'style', 'confirm', 'accessibility_label'], pointer);
  checkText(p, el.text, `${pointer}/text`, { max: L.buttonText, plainOnly: true });
  checkString(p, el.action_id, `${pointer}/action_id`, L.actionId, false);
  checkString(p, el.value, `${pointer}/value`, L.buttonValue, false);
  checkString(p, el.url, `${pointer}/url`, L.buttonUrl, false);
  checkString(p, el.accessibility_label, `${pointer}/accessibility_label`, L.buttonText, false);
  if (el.style !== undefined && !(BUTTON_STYLES as readonly unknown[]).includes(el.style)) {
    p.add(`must be one of: ${BUTTON_STYLES.join(', ')}`, `${pointer}/style`);
  }
  if (el.confirm !== undefined) checkConfirm(p, el.confirm, `${pointer}/confirm`);
}

export function checkImageElement(p: Problems, el: Json, pointer: string): void {
  checkKeys(p, el, ['type', 'image_url', 'alt_text'], pointer);
  checkString(p, el.image_url, `${pointer}/image_url`, L.imageUrl);
  checkString(p, el.alt_text, `${pointer}/alt_text`, L.altText);
}

function checkLength(p: Problems, value: unknown, pointer: string, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) return p.add('must be an integer', pointer);
  if (value < min || value > L.plainTextInputLength) p.add(`must be between ${min} and ${L.plainTextInputLength}`, pointer);
}

export function checkPlainTextInput(p: Problems, el: Json, pointer: string): void {
  checkKeys(
    p,
    el,
    ['type', 'action_id', 'initial_value', 'multiline', 'min_length', 'max_length', 'dispatch_action_config', 'focus_on_load', 'placeholder'],
    pointer,
  );
  checkString(p, el.action_id, `${pointer}/action_id`, L.actionId, false);
  checkText(p, el.placeholder, `${pointer}/placeholder`, { max: L.placeholder, plainOnly: true, required: false });
  if (el.multiline !== undefined && typeof el.multiline !== 'boolean') p.add('must be a boolean', `${pointer}/multiline`);
  checkLength(p, el.min_length, `${pointer}/min_length`, 0);
  checkLength(p, el.max_length, `${pointer}/max_length`, 1);
  if (typeof el.min_length === 'number' && typeof el.max_length === 'number' && el.min_length > el.max_length) {
    p.add('min_length must not exceed max_length', pointer);
  }
  if (el.initial_value !== undefined && typeof el.initial_value !== 'string') p.add('must be a string', `${pointer}/initial_value`);
}

/** Text-bearing element kinds each block accepts; anything else is refused. */
export type ElementKind = 'button' | 'image' | 'plain_text_input';

export function checkElement(p: Problems, el: unknown, pointer: string, allowed: readonly ElementKind[]): void {
  if (!isObject(el)) return p.add('must provide an object', pointer);
  const type = el.type;
  if (typeof type !== 'string' || !(allowed as readonly string[]).includes(type)) {
    return p.add(`failed to match all allowed schemas (element types here: ${allowed.join(', ')})`, pointer);
  }
  if (type === 'button') checkButton(p, el, pointer);
  else if (type === 'image') checkImageElement(p, el, pointer);
  else checkPlainTextInput(p, el, pointer);
}
