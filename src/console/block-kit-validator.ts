import { BLOCK_KIT_LIMITS as L } from './block-kit-limits';
import { Problems, checkElement, checkKeys, checkString, checkText, isObject, type Json } from './block-kit-elements';

/** Where blocks are shown: messages hold 50 blocks, modals 100. */
export type Surface = 'message' | 'modal';

/**
 * Validates the block types Rewind uses (header, section, context, divider, actions, input) with
 * Slack's limits. Returns the problems in Slack's wording; an empty list means valid. Any other
 * block type is refused, so a new block kind must be taught to the local Slack before use.
 */
export function validateBlocks(blocks: unknown, surface: Surface, pointer = '/blocks'): string[] {
  const p = new Problems();
  if (!Array.isArray(blocks)) {
    p.add('must provide an array', pointer);
    return p.list;
  }
  const max = surface === 'message' ? L.messageBlocks : L.modalBlocks;
  if (blocks.length > max) p.add(`no more than ${max} items allowed`, pointer);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const at = `${pointer}/${i}`;
    if (!isObject(block)) return p.add('must provide an object', at);
    if (block.block_id !== undefined) {
      checkString(p, block.block_id, `${at}/block_id`, L.blockId);
      if (typeof block.block_id === 'string') {
        if (blockIds.has(block.block_id)) p.add(`duplicate block_id: ${block.block_id}`, `${at}/block_id`);
        blockIds.add(block.block_id);
      }
    }
    checkBlock(p, block, at);
  });
  return p.list;
}

function checkBlock(p: Problems, block: Json, at: string): void {
  switch (block.type) {
    case 'header':
      checkKeys(p, block, ['type', 'text', 'block_id'], at);
      return checkText(p, block.text, `${at}/text`, { max: L.headerText, plainOnly: true });
    case 'divider':
      return checkKeys(p, block, ['type', 'block_id'], at);
    case 'section':
      return checkSection(p, block, at);
    case 'context':
      return checkContext(p, block, at);
    case 'actions':
      return checkActions(p, block, at);
    case 'input':
      return checkInput(p, block, at);
    default:
      p.add(`failed to match all allowed schemas (unsupported block type: ${String(block.type)})`, at);
  }
}

function checkSection(p: Problems, block: Json, at: string): void {
  checkKeys(p, block, ['type', 'text', 'fields', 'accessory', 'block_id', 'expand'], at);
  if (block.text === undefined && block.fields === undefined) p.add('must provide text or fields', at);
  if (block.text !== undefined) checkText(p, block.text, `${at}/text`, { max: L.sectionText });
  if (block.fields !== undefined) {
    if (!Array.isArray(block.fields)) return p.add('must provide an array', `${at}/fields`);
    if (block.fields.length === 0) p.add('must provide at least 1 item', `${at}/fields`);
    if (block.fields.length > L.sectionFields) p.add(`no more than ${L.sectionFields} items allowed`, `${at}/fields`);
    block.fields.forEach((f, j) => checkText(p, f, `${at}/fields/${j}`, { max: L.sectionFieldText }));
  }
  if (block.accessory !== undefined) checkElement(p, block.accessory, `${at}/accessory`, ['button', 'image']);
  if (block.expand !== undefined && typeof block.expand !== 'boolean') p.add('must be a boolean', `${at}/expand`);
}

function checkContext(p: Problems, block: Json, at: string): void {
  checkKeys(p, block, ['type', 'elements', 'block_id'], at);
  const els = block.elements;
  if (!Array.isArray(els)) return p.add('must provide an array', `${at}/elements`);
  if (els.length === 0) p.add('must provide at least 1 item', `${at}/elements`);
  if (els.length > L.contextElements) p.add(`no more than ${L.contextElements} items allowed`, `${at}/elements`);
  els.forEach((el, j) => {
    const ptr = `${at}/elements/${j}`;
    if (isObject(el) && el.type === 'image') checkElement(p, el, ptr, ['image']);
    else checkText(p, el, ptr, { max: L.textObject });
  });
}

function checkActions(p: Problems, block: Json, at: string): void {
  checkKeys(p, block, ['type', 'elements', 'block_id'], at);
  const els = block.elements;
  if (!Array.isArray(els)) return p.add('must provide an array', `${at}/elements`);
  if (els.length === 0) p.add('must provide at least 1 item', `${at}/elements`);
  if (els.length > L.actionsElements) p.add(`no more than ${L.actionsElements} items allowed`, `${at}/elements`);
  const actionIds = new Set<string>();
  els.forEach((el, j) => {
    const ptr = `${at}/elements/${j}`;
    checkElement(p, el, ptr, ['button']);
    if (isObject(el) && typeof el.action_id === 'string') {
      if (actionIds.has(el.action_id)) p.add(`duplicate action_id: ${el.action_id}`, `${ptr}/action_id`);
      actionIds.add(el.action_id);
    }
  });
}

function checkInput(p: Problems, block: Json, at: string): void {
  checkKeys(p, block, ['type', 'label', 'element', 'dispatch_action', 'block_id', 'hint', 'optional'], at);
  checkText(p, block.label, `${at}/label`, { max: L.inputLabel, plainOnly: true });
  checkText(p, block.hint, `${at}/hint`, { max: L.inputHint, plainOnly: true, required: false });
  if (block.element === undefined) p.add('missing required field', `${at}/element`);
  else checkElement(p, block.element, `${at}/element`, ['plain_text_input']);
  for (const flag of ['dispatch_action', 'optional'] as const) {
    if (block[flag] !== undefined && typeof block[flag] !== 'boolean') p.add('must be a boolean', `${at}/${flag}`);
  }
}

/** Characters of text across every text object in `blocks`: what `msg_blocks_too_long` measures. */
export function blocksTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + blocksTextLength(v), 0);
  if (!isObject(value)) return 0;
  const own = (value.type === 'plain_text' || value.type === 'mrkdwn') && typeof value.text === 'string' ? value.text.length : 0;
  return Object.values(value).reduce((n: number, v) => n + blocksTextLength(v), own);
}

/** A modal view as views.open/update/push take it; problems point under `/view`. */
export function validateView(view: unknown): string[] {
  const p = new Problems();
  if (!isObject(view)) {
    p.add('must provide an object', '/view');
    return p.list;
  }
  checkKeys(
    p,
    view,
    ['type', 'title', 'blocks', 'close', 'submit', 'private_metadata', 'callback_id', 'clear_on_close', 'notify_on_close', 'external_id', 'submit_disabled'],
    '/view',
  );
  if (view.type !== 'modal') p.add('must be one of: modal', '/view/type');
  checkText(p, view.title, '/view/title', { max: L.modalTitle, plainOnly: true });
  checkText(p, view.submit, '/view/submit', { max: L.modalButton, plainOnly: true, required: false });
  checkText(p, view.close, '/view/close', { max: L.modalButton, plainOnly: true, required: false });
  checkString(p, view.callback_id, '/view/callback_id', L.callbackId, false);
  checkString(p, view.external_id, '/view/external_id', L.externalId, false);
  if (view.private_metadata !== undefined) {
    if (typeof view.private_metadata !== 'string') p.add('must be a string', '/view/private_metadata');
    else if (view.private_metadata.length > L.privateMetadata) {
      p.add(`must be less than ${L.privateMetadata + 1} characters`, '/view/private_metadata');
    }
  }
  for (const flag of ['clear_on_close', 'notify_on_close', 'submit_disabled'] as const) {
    if (view[flag] !== undefined && typeof view[flag] !== 'boolean') p.add('must be a boolean', `/view/${flag}`);
  }
  const blocks = view.blocks;
  if (Array.isArray(blocks) && blocks.some((b) => isObject(b) && b.type === 'input') && view.submit === undefined) {
    p.add('must provide submit when blocks contain an input', '/view/submit');
  }
  p.list.push(...validateBlocks(blocks, 'modal', '/view/blocks'));
  return p.list;
}
