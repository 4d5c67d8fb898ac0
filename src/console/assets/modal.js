import { h } from './dom.js';
import { renderBlocks } from './blocks.js';
import { textObject } from './mrkdwn.js';

// Modals and confirm dialogs as Slack shows them. A modal keeps what the person typed across
// re-renders (values are read back before any redraw) and refuses an empty required field
// locally, as Slack's client does, before anything reaches the app.

export const REQUIRED_MESSAGE = 'Please complete this required field.';

/** The typed values of an open modal: { block_id: { action_id: value } }. */
export function readValues(root) {
  const values = {};
  for (const input of root.querySelectorAll('[data-testid="modal-input"]')) {
    const { blockId, actionId } = input.dataset;
    values[blockId] = { ...(values[blockId] ?? {}), [actionId]: input.value };
  }
  return values;
}

/** Errors for required inputs left empty or shorter than their min_length. */
export function localErrors(root) {
  const errors = {};
  for (const input of root.querySelectorAll('[data-testid="modal-input"]')) {
    const value = input.value.trim();
    const min = Number(input.getAttribute('minlength') ?? 0);
    if (input.dataset.optional !== 'true' && value === '') errors[input.dataset.blockId] = REQUIRED_MESSAGE;
    else if (value !== '' && min > 0 && value.length < min) errors[input.dataset.blockId] = `Please enter at least ${min} characters.`;
  }
  return errors;
}

/**
 * ctx: { text, values, errors, busy, onSubmit(values), onClose(), onButton(button, blockId, el) }
 * Returns the overlay element.
 */
export function renderModal(view, ctx) {
  const title = textObject(view.title, ctx.text);
  const blocks = renderBlocks(view.blocks, { text: ctx.text, values: ctx.values, errors: ctx.errors, onButton: ctx.onButton });
  const form = h(
    'form',
    {
      class: 'modal',
      'data-testid': 'modal',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-label': view.title?.text ?? 'Modal',
      dataset: { viewId: view.id },
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        if (view.submit) ctx.onSubmit(readValues(form), localErrors(form));
      },
    },
    h(
      'div',
      { class: 'modal-header' },
      h('h2', { class: 'modal-title' }, title),
      h('button', { type: 'button', class: 'modal-x', 'aria-label': 'Close', onclick: () => ctx.onClose() }, '×'),
    ),
    h('div', { class: 'modal-body' }, blocks),
    h(
      'div',
      { class: 'modal-footer' },
      h('button', { type: 'button', class: 'btn', onclick: () => ctx.onClose() }, view.close ? textObject(view.close, ctx.text) : view.submit ? 'Cancel' : 'Close'),
      view.submit
        ? h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'modal-submit', disabled: Boolean(ctx.busy || view.submit_disabled) }, textObject(view.submit, ctx.text))
        : null,
    ),
  );
  return h('div', { class: 'overlay', onkeydown: (e) => e.key === 'Escape' && ctx.onClose() }, form);
}

/** Shows a button's `confirm` object; resolves true when the person confirms. */
export function confirmDialog(confirm, textCtx) {
  return new Promise((resolve) => {
    const done = (answer) => {
      overlay.remove();
      document.removeEventListener('keydown', onKey);
      resolve(answer);
    };
    const onKey = (e) => {
      if (e.key === 'Escape') done(false);
    };
    const danger = confirm.style === 'danger';
    const ok = h(
      'button',
      { type: 'button', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, 'data-testid': 'confirm-ok', onclick: () => done(true) },
      confirm.confirm ? textObject(confirm.confirm, textCtx) : 'Yes',
    );
    const overlay = h(
      'div',
      { class: 'overlay confirm-overlay' },
      h(
        'div',
        { class: 'confirm', role: 'alertdialog', 'aria-modal': 'true', 'data-testid': 'confirm-dialog' },
        h('h2', { class: 'modal-title' }, textObject(confirm.title, textCtx)),
        h('div', { class: 'confirm-text' }, textObject(confirm.text, textCtx)),
        h(
          'div',
          { class: 'modal-footer' },
          h('button', { type: 'button', class: 'btn', 'data-testid': 'confirm-cancel', onclick: () => done(false) }, confirm.deny ? textObject(confirm.deny, textCtx) : 'Cancel'),
          ok,
        ),
      ),
    );
    document.addEventListener('keydown', onKey);
    document.body.append(overlay);
    ok.focus();
  });
}
