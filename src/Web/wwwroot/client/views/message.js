// One message on screen. Hook for issue 17: a message's actions (reply, edit, delete, react) belong
// in actionsFor() below, and its edited/deleted/reaction state in updateMessage().
import { h, formatTime, formatSize } from '../dom.js';
import { state, statusOf } from '../store.js';
import { fileInfo } from '../files.js';

const TICKS = {
  queued: ['○', 'Waiting to send'],
  sending: ['○', 'Sending'],
  accepted: ['✓', 'Sent'],
  sent: ['✓', 'Sent'],
  delivered: ['✓✓', 'Delivered'],
  read: ['✓✓', 'Read'],
  failed: ['!', 'Not sent'],
};

export function createMessage(message, actions) {
  const mine = message.from === state.me;
  const element = h('li', { class: mine ? 'message mine' : 'message', 'data-id': message.message_id });
  if (message.payload?.type === 'system') {
    element.className = 'message system';
    element.append(h('p', {}, systemText(message)));
    return element;
  }
  const body = h('div', { class: 'bubble' },
    h('span', { class: 'author' }, mine ? 'You' : message.from, h('span', { class: 'visually-hidden' }, ': ')),
    content(message),
    h('span', { class: 'meta' }, h('time', {}), mine ? h('span', { class: 'ticks', role: 'img' }) : null),
    h('p', { class: 'error', role: 'alert' }),
    actionsFor(message, actions));
  element.append(body);
  updateMessage(element, message);
  return element;
}

export function updateMessage(element, message) {
  const time = element.querySelector('time');
  if (time) {
    time.dateTime = message.sent_at ?? '';
    time.textContent = formatTime(message.sent_at);
  }
  const ticks = element.querySelector('.ticks');
  if (ticks) {
    const status = statusOf(message);
    const [symbol, label] = TICKS[status] ?? TICKS.sent;
    ticks.textContent = symbol;
    ticks.setAttribute('aria-label', label);
    ticks.title = label;
    ticks.dataset.status = status;
  }
  const error = element.querySelector('.error');
  if (error) error.textContent = message.error ? `Not sent: ${message.error}` : '';
}

function content(message) {
  const payload = message.payload ?? {};
  if (payload.type !== 'file') return h('p', { class: 'text' }, payload.text ?? '');
  const file = payload.file ?? {};
  const name = file.file_name ?? 'file';
  const block = h('div', { class: 'file' }, h('span', { class: 'file-name' }, `${name}${file.size ? ` (${formatSize(file.size)})` : ''}`));
  if (payload.text) block.append(h('p', { class: 'text' }, payload.text));
  fileInfo(payload.file_id).then(info => {
    if (!info.download_url) return;
    if ((info.content_type ?? '').startsWith('image/')) block.prepend(h('img', { src: info.download_url, alt: name, class: 'preview-image', loading: 'lazy' }));
    block.append(h('a', { href: info.download_url, download: name, class: 'download' }, `Download ${name}`));
  }).catch(() => block.append(h('span', { class: 'error' }, ' (not available)')));
  return block;
}

/** Per-message actions; empty until issue 17's reply/edit/delete/react endpoints exist. */
function actionsFor() {
  return null;
}

function systemText(message) {
  const { event, actor, target, role, title, new_owner: newOwner } = message.payload;
  const text = {
    'member.added': `${actor} added ${target}`,
    'member.removed': `${actor} removed ${target}`,
    'member.left': `${actor} left`,
    'role.changed': `${actor} made ${target} ${{ owner: 'the owner', admin: 'an admin' }[role] ?? 'a member'}`,
    'title.changed': `${actor} renamed the group “${title}”`,
  }[event] ?? `${actor}: ${event}`;
  return newOwner ? `${text}; ${newOwner} owns the group now` : text;
}
