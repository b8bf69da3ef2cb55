// Writing: the Message field (Enter sends, Shift+Enter a new line), typing frames, and files with
// a progress bar each, an error that says why and a Retry button.
import { h } from '../dom.js';
import { state } from '../store.js';

export function renderComposer(container, actions) {
  const field = h('textarea', { id: 'message-field', name: 'message', rows: '1', placeholder: 'Write a message', autocomplete: 'off' });
  const picker = h('input', { type: 'file', class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true' });
  const uploads = h('ul', { class: 'uploads', 'aria-label': 'Uploads' });
  const attach = h('button', { type: 'button', class: 'attach', onclick: () => picker.click() },
    h('img', { src: '/client/paperclip.svg', alt: '', width: '20', height: '20' }), h('span', { class: 'visually-hidden' }, 'Attach file'));
  const form = h('form', { class: 'composer', onsubmit: e => { e.preventDefault(); send(); } },
    attach, picker,
    h('label', { for: 'message-field', class: 'visually-hidden' }, 'Message'), field,
    h('button', { type: 'submit', class: 'primary' }, 'Send'));

  function send() {
    const text = field.value.trim();
    if (!text || !state.openId) return;
    actions.send(state.openId, { type: 'text', text });
    actions.stopTyping(state.openId);
    field.value = '';
    field.focus();
  }

  field.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
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

  container.replaceChildren(uploads, form);
  return {
    focus: () => field.focus(),
    reset: () => { field.value = ''; },
  };
}
