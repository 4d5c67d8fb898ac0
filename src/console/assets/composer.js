import { clear, h } from './dom.js';

// The message box: Enter sends (Shift+Enter adds a line), text starting with "/" runs a slash
// command, anything else is posted as the current person. A failed send puts the text back.

export function setupComposer({ getCommand, send }) {
  const box = document.getElementById('composer');
  const hint = document.getElementById('slash-hint');

  const grow = () => {
    box.style.height = 'auto';
    box.style.height = `${Math.min(box.scrollHeight, 200)}px`;
  };

  const updateHint = () => {
    const value = box.value;
    const command = getCommand();
    const show = value.startsWith('/') && !/\s/.test(value) && command.startsWith(value);
    hint.hidden = !show;
    if (show) {
      clear(hint).append(
        h('div', { class: 'slash-hint-title' }, 'Commands matching ', h('b', null, value)),
        h(
          'div',
          { class: 'slash-hint-row' },
          h('span', { class: 'slash-hint-command' }, command),
          h('span', { class: 'slash-hint-usage' }, 'pitr | restore | backups | status | abort | resume | ic | drill | drills | help'),
          h('span', { class: 'slash-hint-app' }, 'Rewind'),
        ),
      );
    }
  };

  const submit = async () => {
    const text = box.value.trim();
    if (text === '') return;
    box.value = '';
    grow();
    updateHint();
    const ok = await send(text);
    if (!ok && box.value === '') {
      box.value = text;
      grow();
    }
  };

  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Tab' && !hint.hidden) {
      e.preventDefault();
      box.value = `${getCommand()} `;
      updateHint();
    }
  });
  box.addEventListener('input', () => {
    grow();
    updateHint();
  });
  document.getElementById('send').addEventListener('click', () => void submit());
}
