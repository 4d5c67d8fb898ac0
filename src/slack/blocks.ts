import { truncate } from './mrkdwn';

/**
 * The few Block Kit shapes Rewind renders, with builders that clamp every text to Slack's limit
 * for its place. Clamping is the last line of defence; renderers budget their text before it.
 */

export const SLACK_LIMITS = {
  messageBlocks: 50,
  sectionText: 3000,
  contextText: 3000,
  contextElements: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Sum of the text of a message's blocks past which Slack answers msg_blocks_too_long (kept on the safe side). */
  messageText: 12_000,
} as const;

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
}
export type TextObject = PlainText | MrkdwnText;

export interface ConfirmDialog {
  title: PlainText;
  text: PlainText;
  confirm: PlainText;
  deny: PlainText;
  style?: 'primary' | 'danger';
}

export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: PlainText;
  value?: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmDialog;
}

export interface HeaderBlock {
  type: 'header';
  block_id?: string;
  text: PlainText;
}
export interface SectionBlock {
  type: 'section';
  block_id?: string;
  text: TextObject;
}
export interface ContextBlock {
  type: 'context';
  block_id?: string;
  elements: TextObject[];
}
export interface DividerBlock {
  type: 'divider';
  block_id?: string;
}
export interface ActionsBlock {
  type: 'actions';
  block_id?: string;
  elements: ButtonElement[];
}
export type Block = HeaderBlock | SectionBlock | ContextBlock | DividerBlock | ActionsBlock;

/** A message as chat.postMessage / chat.update take it: `text` is the notification fallback. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const withId = <B extends Block>(block: B, blockId?: string): B => (blockId === undefined ? block : { ...block, block_id: blockId });

export function plain(text: string, max: number = SLACK_LIMITS.sectionText): PlainText {
  return { type: 'plain_text', text: truncate(text, max) || ' ', emoji: true };
}

export function header(text: string, blockId?: string): HeaderBlock {
  return withId({ type: 'header', text: plain(text, SLACK_LIMITS.headerText) }, blockId);
}

/** `text` must already be escaped mrkdwn. */
export function section(text: string, blockId?: string): SectionBlock {
  return withId({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) || ' ' } }, blockId);
}

/** Up to 10 mrkdwn elements; `texts` must already be escaped. Empty texts are dropped. */
export function context(texts: readonly string[], blockId?: string): ContextBlock {
  const elements = texts
    .filter((t) => t !== '')
    .slice(0, SLACK_LIMITS.contextElements)
    .map((t): MrkdwnText => ({ type: 'mrkdwn', text: truncate(t, SLACK_LIMITS.contextText) }));
  return withId({ type: 'context', elements: elements.length > 0 ? elements : [{ type: 'mrkdwn', text: ' ' }] }, blockId);
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function actions(elements: ButtonElement[], blockId?: string): ActionsBlock {
  return withId({ type: 'actions', elements }, blockId);
}

export function button(o: { text: string; actionId: string; value?: string; style?: 'primary' | 'danger'; confirm?: ConfirmDialog }): ButtonElement {
  const b: ButtonElement = { type: 'button', action_id: o.actionId, text: plain(o.text, SLACK_LIMITS.buttonText) };
  if (o.value !== undefined) b.value = o.value;
  if (o.style !== undefined) b.style = o.style;
  if (o.confirm !== undefined) b.confirm = o.confirm;
  return b;
}

export function confirmDialog(o: { title: string; text: string; confirm: string; deny?: string; style?: 'primary' | 'danger' }): ConfirmDialog {
  const d: ConfirmDialog = {
    title: plain(o.title, SLACK_LIMITS.confirmTitle),
    text: plain(o.text, SLACK_LIMITS.confirmText),
    confirm: plain(o.confirm, SLACK_LIMITS.confirmButton),
    deny: plain(o.deny ?? 'Cancel', SLACK_LIMITS.confirmButton),
  };
  if (o.style !== undefined) d.style = o.style;
  return d;
}

/** Characters of text across every text object, which is what msg_blocks_too_long measures. */
export function blocksTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + blocksTextLength(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  const o = value as Record<string, unknown>;
  const own = (o.type === 'plain_text' || o.type === 'mrkdwn') && typeof o.text === 'string' ? o.text.length : 0;
  return Object.values(o).reduce((n: number, v) => n + blocksTextLength(v), own);
}
