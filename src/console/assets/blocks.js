import { fragment, h } from './dom.js';
import { textObject } from './mrkdwn.js';

// Block Kit → DOM, laid out as Slack lays it out. IDs for blocks and elements without one follow
// the server's rule (block-<i>, action-<i>) so clicks and modal values line up with it.
//
// ctx: { text: {userName, channelName}, onButton(button, blockId, el), values?: {block:{action:v}},
//        errors?: {block_id: message} }

export function blockIdAt(block, i) {
  return typeof block.block_id === 'string' ? block.block_id : `block-${i}`;
}

export function actionIdAt(el, i) {
  return typeof el.action_id === 'string' ? el.action_id : `action-${i}`;
}

export function renderButton(el, index, blockId, ctx) {
  const actionId = actionIdAt(el, index);
  const style = el.style === 'primary' || el.style === 'danger' ? ` btn-${el.style}` : '';
  const button = h(
    'button',
    {
      type: 'button',
      class: `btn${style}`,
      'data-testid': 'button',
      dataset: { actionId, blockId },
      'aria-label': el.accessibility_label,
      onclick: () => ctx.onButton({ ...el, action_id: actionId }, blockId, button),
    },
    textObject(el.text, ctx.text),
  );
  return button;
}

function accessory(el, blockId, ctx) {
  if (!el) return null;
  if (el.type === 'button') return h('div', { class: 'accessory' }, renderButton(el, 0, blockId, ctx));
  if (el.type === 'image') return h('div', { class: 'accessory' }, image(el, 'accessory-image'));
  return null;
}

function image(el, cls) {
  const src = typeof el.image_url === 'string' && /^(https?:|data:image\/)/i.test(el.image_url) ? el.image_url : '';
  return h('img', { class: cls, src, alt: el.alt_text ?? '' });
}

function section(block, blockId, ctx) {
  const body = h('div', { class: 'section-body' });
  if (block.text) body.append(h('div', { class: 'section-text' }, textObject(block.text, ctx.text)));
  if (Array.isArray(block.fields)) {
    body.append(h('div', { class: 'section-fields' }, block.fields.map((f) => h('div', { class: 'section-field' }, textObject(f, ctx.text)))));
  }
  return h('div', { class: 'block block-section' }, body, accessory(block.accessory, blockId, ctx));
}

function context(block, ctx) {
  const items = (block.elements ?? []).map((el) => (el.type === 'image' ? image(el, 'context-image') : h('span', { class: 'context-text' }, textObject(el, ctx.text))));
  return h('div', { class: 'block block-context' }, items);
}

function actions(block, blockId, ctx) {
  return h('div', { class: 'block block-actions' }, (block.elements ?? []).map((el, j) => (el.type === 'button' ? renderButton(el, j, blockId, ctx) : null)));
}

function input(block, i, blockId, ctx) {
  const el = block.element ?? {};
  const actionId = actionIdAt(el, i);
  const typed = ctx.values?.[blockId]?.[actionId];
  const value = typed ?? el.initial_value ?? '';
  const attrs = {
    class: 'modal-input',
    'data-testid': 'modal-input',
    dataset: { blockId, actionId, optional: block.optional ? 'true' : 'false' },
    placeholder: el.placeholder?.text,
    maxlength: el.max_length,
    minlength: el.min_length,
    value,
    id: `input-${blockId}`,
  };
  const control = el.multiline ? h('textarea', { ...attrs, rows: 3 }) : h('input', { ...attrs, type: 'text', autocomplete: 'off' });
  const error = ctx.errors?.[blockId];
  return h(
    'div',
    { class: `block block-input${error ? ' has-error' : ''}` },
    h('label', { class: 'input-label', for: `input-${blockId}` }, textObject(block.label, ctx.text), block.optional ? h('span', { class: 'optional' }, ' (optional)') : null),
    control,
    error ? h('div', { class: 'input-error', 'data-testid': 'modal-error', role: 'alert' }, error) : null,
    block.hint ? h('div', { class: 'input-hint' }, textObject(block.hint, ctx.text)) : null,
  );
}

export function renderBlock(block, i, ctx) {
  const blockId = blockIdAt(block, i);
  switch (block.type) {
    case 'header':
      return h('div', { class: 'block block-header' }, textObject(block.text, ctx.text));
    case 'divider':
      return h('hr', { class: 'block block-divider' });
    case 'section':
      return section(block, blockId, ctx);
    case 'context':
      return context(block, ctx);
    case 'actions':
      return actions(block, blockId, ctx);
    case 'input':
      return input(block, i, blockId, ctx);
    case 'image':
      return h('div', { class: 'block block-image' }, image(block, 'block-image-img'));
    default:
      return h('div', { class: 'block block-unknown' }, `[${String(block.type)} block]`);
  }
}

export function renderBlocks(blocks, ctx) {
  return fragment((blocks ?? []).map((b, i) => (b && typeof b === 'object' ? renderBlock(b, i, ctx) : null)));
}
