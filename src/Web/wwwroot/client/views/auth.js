// Sign in and create account: one form, two buttons.
import { h } from '../dom.js';
import { signIn, register } from '../session.js';

export function renderAuth(main, onSignedIn) {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', role: 'alert' });
  const buttons = [h('button', { type: 'submit', class: 'primary' }, 'Sign in'), h('button', { type: 'button', onclick: () => submit(true) }, 'Create account')];

  async function submit(creating) {
    if (!form.reportValidity()) return;
    error.textContent = '';
    buttons.forEach(b => { b.disabled = true; });
    try {
      if (creating) await register(username.value.trim(), password.value);
      await signIn(username.value.trim(), password.value);
      onSignedIn();
    } catch (e) {
      error.textContent = e instanceof TypeError ? 'No connection to the server; try again.' : e.message;
      buttons.forEach(b => { b.disabled = false; });
    }
  }

  const form = h('form', { class: 'auth', onsubmit: e => { e.preventDefault(); submit(false); } },
    h('h1', {}, 'Chat'),
    h('label', {}, h('span', {}, 'Username'), username),
    h('label', {}, h('span', {}, 'Password'), password),
    error,
    h('div', { class: 'actions' }, buttons));
  main.replaceChildren(form);
  username.focus();
}
