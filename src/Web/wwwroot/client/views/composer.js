// Writing: the Message field (Enter sends, Shift+Enter a new line), typing frames, a reply's quote
// above it (Escape or Cancel reply drops it), @ mentions completed from the members (mentions.js),
// and files with a progress bar each, an error that says why and a Retry button.
import { h } from '../dom.js';
import { state, previewOf } from '../store.js';
import { mentionAutocomplete, mentionsIn } from './mentions.js';

export function renderComposer(container, actions) {
  const field = h('textarea', { id: 'message-field', name: 'message', rows: '1', placeholder: 'Write a message', autocomplete: 'off' });
  const picker = h('input', { type: 'file', class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true' });
  const uploads = h('ul', { class: 'uploads', 'aria-label': 'Uploads' });
  const attach = h('button', { type: 'button', class: 'attach', onclick: () => picker.click() },
    h('img', { src: '/client/paperclip.svg', alt: '', width: '20', height: '20' }), h('span', { class: 'visually-hidden' }, 'Attach file'));
  const mentions = mentionAutocomplete(field);
  let replying = null; // the message being answered
  const replyText = h('span', { class: 'replying-text' });
  const replyBar = h('div', { class: 'replying', role: 'status', hidden: true },
    replyText, h('button', { type: 'button', onclick: () => { cancelReply(); field.focus(); } }, 'Cancel reply'));
  function replyTo(message) {
    replying = message;
    replyText.textContent = `Replying to ${message.from === state.me ? 'yourself' : message.from}: ${previewOf(message)}`;
    replyBar.hidden = false;
    field.focus();
  }
  function cancelReply() {
    replying = null;
    replyBar.hidden = true;
    replyText.textContent = '';
  }
  const form = h('form', { class: 'composer', onsubmit: e => { e.preventDefault(); send(); } },
    attach, picker,
    h('label', { for: 'message-field', class: 'visually-hidden' }, 'Message'),
    h('div', { class: 'field-with-options' }, field, mentions.listbox),
    h('button', { type: 'submit', class: 'primary' }, 'Send'));

  function send() {
    const text = field.value.trim();
    if (!text || !state.openId) return;
    const named = mentionsIn(state.openId, text);
    const payload = named.length ? { type: 'text', text, mentions: named } : { type: 'text', text };
    actions.send(state.openId, payload, replying ? actions.replyFields(replying) : {});
    cancelReply();
    actions.stopTyping(state.openId);
    field.value = '';
    field.focus();
  }

  field.addEventListener('keydown', e => {
    if (mentions.handle(e)) return; // the open list of members takes its keys first
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
    if (e.key === 'Escape' && replying) { e.preventDefault(); cancelReply(); }
  });
  field.addEventListener('input', () => { if (state.openId && field.value) actions.typing(state.openId); });

  picker.addEventListener('change', () => {
    for (const file of picker.files) startUpload(state.openId, file);
    picker.value = '';
  });

  function startUpload(conversationId, file) {
    const progress = h('progress', { max: '100', value: '0', 'aria-label': `Uploading ${file.name}` });
    const error = h('span', { class: 'error', role: 'alert' });
    const retry = h('button', { type: 'button', hidden: true, onclick: () => { row.remove(); startUpload(conversationId, file); } }, `Retry ${file.name}`);
    const row = h('li', { class: 'upload' }, h('span', { class: 'file-name' }, file.name), progress, error, retry);
    uploads.append(row);
    actions.upload(conversationId, file, fraction => progress.setAttribute('value', String(Math.round(fraction * 100))))
      .then(() => row.remove())
      .catch(e => {
        error.textContent = `Upload failed: ${e.message}`;
        retry.hidden = false;
      });
  }

  container.replaceChildren(uploads, replyBar, form);
  return {
    focus: () => field.focus(),
    reset: () => { field.value = ''; cancelReply(); mentions.close(); },
    replyTo,
  };
}
