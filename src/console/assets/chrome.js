import { clear, h } from './dom.js';
import { avatar } from './messages.js';

// The parts around the message list: sidebar, channel header, the person switcher and the
// composer's placeholder. Re-drawn from each snapshot.

export function personLabel(p) {
  return p.title ? `${p.name} (${p.title})` : p.name;
}

export function renderChrome(snap, me, onSwitch) {
  document.title = `#${snap.channel.name} · ${snap.team.name} · Rewind console`;
  document.getElementById('team-name').textContent = snap.team.name;
  document.getElementById('search-team').textContent = snap.team.name;
  document.getElementById('rail-team').textContent = snap.team.name.slice(0, 1).toUpperCase();
  document.getElementById('channel-title').textContent = `# ${snap.channel.name}`;
  const members = snap.channel.members.length;
  document.getElementById('member-count').textContent = String(members);

  clear(document.getElementById('channel-list')).append(
    h('li', { class: 'sidebar-item active', 'aria-current': 'page' }, h('span', { class: 'hash' }, '#'), snap.channel.name),
  );
  clear(document.getElementById('people-list')).append(
    ...snap.people.map((p) =>
      h(
        'li',
        { class: `sidebar-item person${p.id === me ? ' me' : ''}` },
        avatar({ id: p.id, name: p.name, bot: false }, true),
        h('span', null, p.name),
        p.id === me ? h('span', { class: 'you' }, 'you') : null,
      ),
    ),
  );
  clear(document.getElementById('app-list')).append(h('li', { class: 'sidebar-item' }, avatar({ id: snap.bot.id, name: snap.bot.name, bot: true }, true), h('span', null, snap.bot.name)));

  const select = document.getElementById('user-switcher');
  clear(select).append(...snap.people.map((p) => h('option', { value: p.id }, personLabel(p))));
  select.value = me;
  select.onchange = () => onSwitch(select.value);

  const composer = document.getElementById('composer');
  composer.placeholder = `Message #${snap.channel.name}`;
}

export function setConnection(live) {
  const el = document.getElementById('connection');
  el.textContent = live ? '● Live' : 'Reconnecting…';
  el.classList.toggle('offline', !live);
}
