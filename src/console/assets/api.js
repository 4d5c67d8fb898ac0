import { clear, h } from './dom.js';
import { icon } from './icons.js';

// The page's requests to the console server, and the banner that makes every failure visible:
// an unreachable console, an unreachable bot, a bot that answered non-200 or too late.

const banner = () => document.querySelector('[data-testid="error-banner"]');

export function showError(message) {
  const el = banner();
  clear(el).append(
    h('span', { class: 'error-icon' }, icon('warning', 18)),
    h('span', { class: 'error-text' }, message),
    h('button', { type: 'button', class: 'error-close', 'aria-label': 'Dismiss', onclick: hideError }, '×'),
  );
  el.hidden = false;
}

export function hideError() {
  banner().hidden = true;
}

/** POSTs JSON to the console; resolves to its answer, `{ ok: false, error }` on any failure (also shown). */
export async function post(path, body) {
  let res;
  try {
    res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  } catch (err) {
    const result = { ok: false, error: `The console server is unreachable (${err.message}).` };
    showError(result.error);
    return result;
  }
  let result;
  try {
    result = await res.json();
  } catch {
    result = { ok: false, error: `The console answered HTTP ${res.status}.` };
  }
  if (!res.ok || result.ok !== true) {
    result.ok = false;
    result.error ??= `The console answered HTTP ${res.status}.`;
    showError(result.error);
  } else {
    hideError();
  }
  return result;
}
