// One message on screen: author, the quote of what it answers, its text or file (or the tombstone
// once deleted), "edited", time and ticks, reactions, and its actions (message-actions.js).
import { h, formatTime, formatSize } from '../dom.js';
import { state, statusOf, isPinned } from '../store.js';
import { fileInfo, save as saveFile } from '../files.js';
import { messageActions, updateActions, showError } from './message-actions.js';

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
  // Focusable from code only: a quote or a search result moves focus to its message.
  const element = h('li', { class: mine ? 'message mine' : 'message', 'data-id': message.message_id, tabindex: '-1' });
  if (message.payload?.type === 'system') {
    element.className = 'message system';
    element.append(h('p', {}, systemText(message)));
    return element;
  }
  const quote = message.reply_to
    ? h('button', { type: 'button', class: 'reply-quote', onclick: () => actions.showMessage(message.reply_to) })
    : null;
  const body = h('div', { class: 'bubble' },
    h('span', { class: 'author' }, mine ? 'You' : message.from, h('span', { class: 'visually-hidden' }, ': ')),
    h('span', { class: 'mention-mark', hidden: true }, 'Mentions you'),
    h('span', { class: 'pin-mark', hidden: true }, 'Pinned'),
    quote,
    h('div', { class: 'content' }, message.deleted ? tombstone() : content(message)),
    h('span', { class: 'meta' }, h('span', { class: 'edited', hidden: true }, 'edited'), h('time', {}), mine ? h('span', { class: 'ticks', role: 'img' }) : null),
    h('ul', { class: 'reactions', 'aria-label': 'Reactions', hidden: true }),
    h('p', { class: 'error send-error', role: 'alert' }),
    h('p', { class: 'error action-error', role: 'alert' }),
    messageActions(message, actions));
  element.append(body);
  updateMessage(element, message, actions);
  return element;
}

/** Whether the message calls the reader: by name, or @here / @all. */
const mentionsMe = message => (message.payload?.mentions ?? []).some(m => m === state.me || m === '@here' || m === '@all');

export function updateMessage(element, message, actions) {
  if (message.payload?.type === 'system') return;
  element.classList.toggle('mentions-me', mentionsMe(message));
  const mark = element.querySelector('.mention-mark');
  if (mark) mark.hidden = !mentionsMe(message);
  const pinned = element.querySelector('.pin-mark');
  if (pinned) pinned.hidden = message.deleted || !isPinned(message.conversation_id, message.message_id);
  updateContent(element, message);
  updateQuote(element.querySelector('.reply-quote'), message.reply_quote);
  updateReactions(element.querySelector('.reactions'), message, actions);
  updateActions(element.querySelector('.message-actions'), message);
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
  const error = element.querySelector('.send-error');
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
    // The media worker's thumbnail once it is there (320 px, a JPEG), the image itself until then.
    if ((info.content_type ?? '').startsWith('image/')) block.prepend(h('img', { src: info.thumbnail_url ?? info.download_url, alt: name, class: 'preview-image', loading: 'lazy' }));
    const link = h('a', { href: info.download_url, download: name, class: 'download' }, `Download ${name}`);
    // Saved only once its bytes are checked against the sha256 the server serves.
    link.addEventListener('click', event => {
      event.preventDefault();
      if (link.nextElementSibling?.classList.contains('error')) link.nextElementSibling.remove();
      saveFile(info, name).catch(e => link.after(h('span', { class: 'error' }, ` ${e.message}`)));
    });
    block.append(link);
  }).catch(() => block.append(h('span', { class: 'error' }, ' (not available)')));
  return block;
}

const tombstone = () => h('p', { class: 'tombstone' }, 'This message was deleted');

/** An edit changes the text in place; a delete leaves the tombstone (and no quote, reactions or actions). */
function updateContent(element, message) {
  const edited = element.querySelector('.edited');
  edited.hidden = !message.edited_at || Boolean(message.deleted);
  edited.title = message.edited_at ? `Edited ${new Date(message.edited_at).toLocaleString()}` : '';
  if (message.deleted) {
    if (!element.classList.contains('deleted')) {
      element.classList.add('deleted');
      element.querySelector('.content').replaceChildren(tombstone());
      element.querySelector('.reply-quote')?.remove();
    }
    return;
  }
  const text = element.querySelector('.content .text');
  if (text && message.payload?.text !== undefined && text.textContent !== message.payload.text) text.textContent = message.payload.text;
}

function updateQuote(quote, replyQuote) {
  if (!quote) return;
  const text = !replyQuote || replyQuote.deleted ? 'Deleted message' : replyQuote.text ?? '';
  // The name in one string: hidden spans inside a button would be read with stray spaces around them.
  quote.setAttribute('aria-label', `In reply to ${replyQuote?.from ?? ''}: ${text}`);
  quote.title = 'Show the original';
  quote.replaceChildren(h('span', { class: 'quote-author' }, replyQuote?.from ?? ''), h('span', { class: 'quote-text' }, text));
}

/** One toggle button per emoji ("👍 2", pressed when one of them is the reader's); focus stays on its emoji. */
function updateReactions(list, message, actions) {
  const reactions = message.deleted ? [] : message.reactions ?? [];
  const key = JSON.stringify(reactions);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset.emoji : null;
  list.hidden = !reactions.length;
  list.replaceChildren(...reactions.map(r => h('li', {},
    h('button', {
      type: 'button', class: 'reaction', 'aria-pressed': String(Boolean(r.me)), 'data-emoji': r.emoji,
      title: r.me ? `Remove your ${r.emoji}` : `React with ${r.emoji}`,
      onclick: () => actions.react(message, r.emoji, !r.me).catch(e => showError(list, e)),
    }, `${r.emoji} ${r.count}`))));
  if (focused) [...list.querySelectorAll('.reaction')].find(b => b.dataset.emoji === focused)?.focus();
}

function systemText(message) {
  const { event, actor, target, role, title, new_owner: newOwner, call } = message.payload;
  if (event === 'call.ended' && call) return callText(actor, call);
  const text = {
    'member.added': `${actor} added ${target}`,
    'member.removed': `${actor} removed ${target}`,
    'member.left': `${actor} left`,
    'role.changed': `${actor} made ${target} ${{ owner: 'the owner', admin: 'an admin' }[role] ?? 'a member'}`,
    'title.changed': `${actor} renamed the group “${title}”`,
    'message.pinned': `${actor} pinned a message`,
    'message.unpinned': `${actor} unpinned a message`,
  }[event] ?? `${actor}: ${event}`;
  return newOwner ? `${text}; ${newOwner} owns the group now` : text;
}

/** A call's system message (issue 21): how it went, and for how long when it was answered. */
function callText(caller, call) {
  const kind = call.media === 'video' ? 'Video call' : 'Call';
  if (call.outcome === 'completed') {
    const seconds = Math.round(call.duration_seconds ?? 0);
    return `${kind} from ${caller}, ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  }
  return `${kind} from ${caller}: ${{ missed: 'missed', rejected: 'declined', cancelled: 'cancelled' }[call.outcome] ?? call.outcome}`;
}
