import { post } from './api.js';
import { renderChrome, setConnection } from './chrome.js';
import { setupComposer } from './composer.js';
import { clear } from './dom.js';
import { renderMessages } from './messages.js';
import { confirmDialog, readValues, renderModal } from './modal.js';

// The page's state, kept from the server's live feed (`/events`): a snapshot on connect, then
// every local Slack event applied in place and the affected part redrawn.

const state = {
  snap: null,
  me: null,
  messages: new Map(),
  ephemerals: [],
  views: [],
  users: new Map(),
  expanded: new Set(),
  dismissed: new Set(),
  modal: { viewId: null, key: null, values: {}, errors: {}, busy: false },
};

const textCtx = {
  userName: (id) => {
    const u = state.users.get(id);
    return u ? u.realName || u.name : id;
  },
  channelName: (id) => (state.snap && id === state.snap.channel.id ? state.snap.channel.name : id),
};

function channelId() {
  return state.snap.channel.id;
}

function pickMe(snap) {
  const saved = localStorage.getItem('rewind-console-user');
  const ids = snap.people.map((p) => p.id);
  if (ids.includes(state.me)) return state.me;
  return ids.includes(saved) ? saved : (ids[0] ?? null);
}

function switchTo(id) {
  state.me = id;
  localStorage.setItem('rewind-console-user', id);
  renderAll();
}

function renderAll() {
  renderChrome(state.snap, state.me, switchTo);
  renderMessagePane();
  renderModalLayer();
}

function renderMessagePane() {
  const pane = document.getElementById('messages');
  const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 40;
  const scrollTop = pane.scrollTop;
  const view = {
    channel: state.snap.channel,
    command: state.snap.command,
    bot: state.snap.bot,
    users: state.users,
    expanded: state.expanded,
    messages: [...state.messages.values()],
    ephemerals: state.ephemerals.filter((e) => e.user === state.me && !state.dismissed.has(e.ts)),
  };
  clear(pane).append(
    renderMessages(view, {
      text: textCtx,
      onButton: clickButton,
      toggleThread: (ts) => {
        if (!state.expanded.delete(ts)) state.expanded.add(ts);
        renderMessagePane();
      },
      dismiss: (ts) => {
        state.dismissed.add(ts);
        renderMessagePane();
      },
    }),
  );
  pane.scrollTop = atBottom ? pane.scrollHeight : scrollTop;
}

async function clickButton(button, blockId, el, source) {
  if (button.url) window.open(button.url, '_blank', 'noopener,noreferrer');
  if (button.confirm && !(await confirmDialog(button.confirm, textCtx))) return;
  el.disabled = true;
  el.classList.add('loading');
  const where = source.viewId ? { viewId: source.viewId } : { channel: source.channel, messageTs: source.messageTs };
  await post('/ui/action', { user: state.me, ...where, actionId: button.action_id, blockId, value: button.value });
  el.disabled = false;
  el.classList.remove('loading');
}

function myView() {
  const mine = state.views.filter((v) => v.user === state.me);
  return mine[mine.length - 1] ?? null;
}

function renderModalLayer() {
  const root = document.getElementById('modal-root');
  const view = myView();
  const m = state.modal;
  const open = root.querySelector('[data-testid="modal"]');
  if (open && open.dataset.viewId === m.viewId) m.values = readValues(open);
  if (!view) {
    clear(root);
    Object.assign(m, { viewId: null, key: null, values: {}, errors: {}, busy: false });
    return;
  }
  if (view.id !== m.viewId) Object.assign(m, { viewId: view.id, values: {}, errors: {}, busy: false });
  const key = JSON.stringify([view.id, view.hash, m.errors, m.busy, state.me]);
  if (key === m.key && open) return;
  m.key = key;
  clear(root).append(
    renderModal(view, {
      text: textCtx,
      values: m.values,
      errors: m.errors,
      busy: m.busy,
      onSubmit: (values, localErrors) => submitModal(view, values, localErrors),
      onClose: () => void post('/ui/view-close', { user: state.me, viewId: view.id }),
      onButton: (button, blockId, el) => clickButton(button, blockId, el, { viewId: view.id }),
    }),
  );
  const first = root.querySelector('[data-testid="modal-input"]');
  if (first && !root.contains(document.activeElement)) first.focus();
}

async function submitModal(view, values, localErrors) {
  const m = state.modal;
  m.values = values;
  if (Object.keys(localErrors).length > 0) {
    m.errors = localErrors;
    return renderModalLayer();
  }
  m.errors = {};
  m.busy = true;
  renderModalLayer();
  const result = await post('/ui/view-submission', { user: state.me, viewId: view.id, values });
  if (m.viewId !== view.id) return;
  m.busy = false;
  if (result.ok && result.responseAction === 'errors') m.errors = result.errors ?? {};
  renderModalLayer();
}

async function send(text) {
  const body = { user: state.me, channel: channelId(), text };
  const result = await post(text.startsWith('/') ? '/ui/command' : '/ui/message', body);
  return result.ok;
}

function upsert(list, item, same) {
  const i = list.findIndex(same);
  if (i >= 0) list[i] = item;
  else list.push(item);
}

function apply(ev) {
  if (ev.type === 'snapshot') {
    state.snap = ev;
    state.users = new Map(ev.users.map((u) => [u.id, u]));
    state.messages = new Map(ev.messages.map((m) => [m.ts, m]));
    state.ephemerals = ev.ephemerals;
    state.views = ev.views;
    state.me = pickMe(ev);
    return renderAll();
  }
  if (!state.snap) return;
  const here = ev.channel === undefined || ev.channel === channelId();
  switch (ev.type) {
    case 'message.posted':
    case 'message.updated':
      if (!here) return;
      state.messages.set(ev.message.ts, ev.message);
      return renderMessagePane();
    case 'message.deleted':
      if (!here) return;
      state.messages.delete(ev.ts);
      return renderMessagePane();
    case 'ephemeral':
    case 'ephemeral.updated':
      if (!here) return;
      upsert(state.ephemerals, ev.message, (e) => e.user === ev.message.user && e.ts === ev.message.ts);
      return renderMessagePane();
    case 'ephemeral.deleted':
      state.ephemerals = state.ephemerals.filter((e) => !(e.user === ev.user && e.ts === ev.ts));
      return renderMessagePane();
    case 'view.opened':
    case 'view.pushed':
    case 'view.updated':
      upsert(state.views, { ...ev.view, user: ev.user }, (v) => v.id === ev.view.id);
      return renderModalLayer();
    case 'view.closed':
      state.views = state.views.filter((v) => v.id !== ev.view.id);
      return renderModalLayer();
    default:
      return undefined;
  }
}

function connect() {
  const source = new EventSource('/events');
  source.onopen = () => setConnection(true);
  source.onerror = () => setConnection(false);
  source.onmessage = (e) => {
    setConnection(true);
    apply(JSON.parse(e.data));
  };
}

setupComposer({ getCommand: () => state.snap?.command ?? '/dr', send });
connect();
