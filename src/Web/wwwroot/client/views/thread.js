// The thread side panel (issue 25): a root and its replies, read from /v1/messages/{root}/thread,
// live replies appended as they come, and a form to reply in the thread. Escape or Close returns
// focus to the root's Replies button.
import { h } from '../dom.js';
import { events, state } from '../store.js';
import { get, post } from '../api.js';

export function threadPanel(actions) {
  let rootId = null;
  let opener = null;
  const heading = h('h3', { id: 'thread-heading', tabindex: '-1' }, 'Thread');
  const list = h('ol', { class: 'thread-replies', role: 'log', 'aria-label': 'Thread replies' });
  const field = h('textarea', { rows: '2', 'aria-label': 'Reply in thread', maxlength: '4096' });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'thread-form', onsubmit: event => { event.preventDefault(); send(); } },
    field, h('button', { type: 'submit', class: 'primary' }, 'Send reply'));
  field.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  });
  const panel = h('aside', { class: 'thread-panel', 'aria-labelledby': 'thread-heading', hidden: true },
    h('header', {}, heading, h('button', { type: 'button', onclick: () => close() }, 'Close thread')), list, error, form);
  panel.addEventListener('keydown', e => { if (e.key === 'Escape') close(); });

  const item = message => h('li', { class: 'thread-message', 'data-id': message.message_id },
    h('span', { class: 'author' }, message.from === state.me ? 'You' : message.from, h('span', { class: 'visually-hidden' }, ': ')),
    h('p', { class: 'text' }, message.deleted ? 'This message was deleted' : message.payload?.text ?? ''));

  async function open(root, from) {
    rootId = root.message_id;
    opener = from;
    panel.hidden = false;
    error.textContent = '';
    list.replaceChildren(item(root));
    heading.focus();
    try {
      const page = await get(`/v1/messages/${encodeURIComponent(rootId)}/thread`);
      const shown = new Set([rootId]);
      for (const reply of page.replies ?? []) if (!shown.has(reply.message_id)) { shown.add(reply.message_id); list.append(item(reply)); }
      const last = page.replies?.at(-1)?.sequence_number;
      if (last) post(`/v1/messages/${encodeURIComponent(rootId)}/thread/read`, { up_to_seq: last }).catch(() => {});
    } catch (e) {
      error.textContent = `The thread could not be read: ${e.message}`;
    }
    field.focus();
  }

  function close() {
    panel.hidden = true;
    rootId = null;
    opener?.focus();
  }

  async function send() {
    const text = field.value.trim();
    if (!text || !rootId) return;
    const conversationId = state.openId;
    error.textContent = '';
    try {
      const sent = await post('/v1/messages', { conversation_id: conversationId, from: state.me, payload: { type: 'text', text }, thread_root: rootId });
      field.value = '';
      actions.sentInThread(conversationId, sent.message_id, rootId, text);
    } catch (e) {
      error.textContent = `Not sent: ${e.message}`;
    }
  }

  // A reply of the open thread, from anyone (one's own too, as the server numbered it).
  events.addEventListener('thread-reply', e => {
    const reply = e.detail.message;
    if (panel.hidden || reply.thread_root !== rootId || list.querySelector(`[data-id="${CSS.escape(reply.message_id)}"]`)) return;
    list.append(item(reply));
    if (reply.sequence_number) post(`/v1/messages/${encodeURIComponent(rootId)}/thread/read`, { up_to_seq: reply.sequence_number }).catch(() => {});
  });

  return { panel, open, hide: () => { panel.hidden = true; rootId = null; } };
}
