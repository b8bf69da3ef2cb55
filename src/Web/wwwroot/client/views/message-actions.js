// A message's actions, under its bubble: Reply, React (a row of emoji), Edit (the text in place,
// Enter saves, Escape cancels), Delete (asks first, in place: no dialog) and Pin or Unpin. Each is a plain button
// named for what it does; what changed comes back as a frame and is drawn by message.js.
import { h } from '../dom.js';
import { state, isPinned, mayPin } from '../store.js';

export const EMOJI = ['👍', '❤️', '😂', '😮', '😢', '🎉'];

export function messageActions(message, actions) {
  const fail = error => showError(bar, error);
  const run = work => {
    bar.closest('.bubble')?.querySelector('.action-error')?.replaceChildren();
    return work().catch(fail);
  };

  const reply = h('button', { type: 'button', onclick: () => actions.reply(message) }, 'Reply');
  const react = h('button', { type: 'button', 'aria-expanded': 'false', onclick: () => togglePicker() }, 'React');
  const edit = h('button', { type: 'button', class: 'edit', onclick: () => startEdit() }, 'Edit');
  const remove = h('button', { type: 'button', class: 'delete', onclick: () => toggleConfirm(true) }, 'Delete');
  // Issue 25: a thread of its own (a reply in a thread starts none), and mark unread from here on.
  const inThread = h('button', { type: 'button', class: 'thread-button', onclick: () => actions.openThread(message, inThread) }, 'Reply in thread');
  const unread = h('button', { type: 'button', class: 'mark-unread', onclick: () => run(() => actions.markUnread(message)) }, 'Mark unread');
  // Shown only where the reader may pin (updateActions); the label says which it will do.
  const pin = h('button', { type: 'button', class: 'pin-button', onclick: () => run(() => (isPinned(message.conversation_id, message.message_id) ? actions.unpin(message) : actions.pin(message))) }, 'Pin');
  const buttons = h('div', { class: 'action-buttons' }, reply, inThread, react, edit, remove, unread, pin);

  const picker = h('div', { class: 'emoji-picker', role: 'group', 'aria-label': 'Choose a reaction', hidden: true },
    EMOJI.map(emoji => h('button', {
      type: 'button', 'aria-label': `React with ${emoji}`,
      onclick: () => { togglePicker(false); react.focus(); run(() => actions.react(message, emoji, true)); },
    }, emoji)));
  function togglePicker(show = picker.hidden) {
    picker.hidden = !show;
    react.setAttribute('aria-expanded', String(show));
    if (show) picker.querySelector('button').focus();
  }

  const field = h('textarea', { class: 'edit-field', rows: '2', 'aria-label': 'Edit message', maxlength: '4096' });
  const editForm = h('form', {
    class: 'edit-form', hidden: true,
    onsubmit: event => { event.preventDefault(); saveEdit(); },
  }, field, h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary' }, 'Save'),
    h('button', { type: 'button', onclick: () => stopEdit() }, 'Cancel')));
  field.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); saveEdit(); }
  });
  function startEdit() {
    field.value = message.payload?.text ?? '';
    editForm.hidden = false;
    buttons.hidden = true;
    field.focus();
    field.select();
  }
  function stopEdit() {
    editForm.hidden = true;
    buttons.hidden = false;
    edit.focus();
  }
  function saveEdit() {
    const text = field.value.trim();
    if (!text) return;
    if (text !== message.payload?.text) run(() => actions.edit(message, text));
    stopEdit();
  }

  const confirmDelete = h('div', { class: 'confirm-delete', role: 'group', 'aria-label': 'Delete this message?', hidden: true },
    h('span', {}, 'Delete for everyone?'),
    h('button', { type: 'button', class: 'danger', onclick: () => { toggleConfirm(false); run(() => actions.remove(message)); } }, 'Delete for everyone'),
    h('button', { type: 'button', onclick: () => toggleConfirm(false) }, 'Cancel'));
  function toggleConfirm(show) {
    confirmDelete.hidden = !show;
    buttons.hidden = show;
    (show ? confirmDelete.querySelector('button') : remove).focus();
  }

  const bar = h('div', { class: 'message-actions', role: 'group', 'aria-label': 'Message actions' }, buttons, picker, editForm, confirmDelete);
  // Escape closes whatever is open and gives focus back to its button.
  bar.addEventListener('keydown', e => {
    if (e.key !== 'Escape') return;
    if (!picker.hidden) { togglePicker(false); react.focus(); } else if (!editForm.hidden) stopEdit(); else if (!confirmDelete.hidden) toggleConfirm(false); else return;
    e.stopPropagation();
  });
  return bar;
}

/** Only a stored message takes actions (not one waiting to be sent), a deleted one none; one edits
 * and deletes one's own (a group's owners and admins may delete others' too: the server allows it,
 * but the client does not know roles without reading the group, so it offers only one's own). */
export function updateActions(bar, message) {
  if (!bar) return;
  const mine = message.from === state.me;
  bar.hidden = Boolean(message.deleted || message.local || !message.sequence_number);
  bar.querySelector('.edit').hidden = !(mine && message.payload?.type === 'text');
  bar.querySelector('.delete').hidden = !mine;
  bar.querySelector('.mark-unread').hidden = mine;
  const pin = bar.querySelector('.pin-button');
  pin.hidden = !mayPin(message.conversation_id);
  pin.textContent = isPinned(message.conversation_id, message.message_id) ? 'Unpin' : 'Pin';
  const inThread = bar.querySelector('.thread-button');
  inThread.hidden = Boolean(message.thread_root);
  const count = message.thread?.reply_count ?? 0;
  inThread.textContent = count ? `${count} ${count === 1 ? 'reply' : 'replies'}` : 'Reply in thread';
  inThread.setAttribute('aria-label', count ? `Open thread, ${count} ${count === 1 ? 'reply' : 'replies'}` : 'Reply in thread');
}

/** An action that was refused says why on its message. */
export function showError(inside, error) {
  const element = inside.closest('.bubble')?.querySelector('.action-error');
  if (element) element.textContent = error.message;
}
