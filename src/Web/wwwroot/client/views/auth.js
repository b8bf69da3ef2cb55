// Sign in and create account: one form, two buttons. After a sign-in with a temporary password, the
// form that replaces it (docs/api.md, PUT /v1/admin/users/{username}/password).
import { h } from '../dom.js';
import { api } from '../api.js';
import { signIn, register, refresh, signOut } from '../session.js';

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
      await onSignedIn(password.value);
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

/**
 * "Choose a new password": the only thing a temporary password's token serves. The temporary password is
 * the current one (asked for when not known, after a reload); once changed, a refresh gives a full token.
 */
export function renderPasswordChange(main, temporary, onChanged) {
  const current = h('input', { name: 'current_password', type: 'password', autocomplete: 'current-password', required: true });
  const fresh = h('input', { name: 'new_password', type: 'password', autocomplete: 'new-password', required: true });
  const again = h('input', { name: 'repeat_password', type: 'password', autocomplete: 'new-password', required: true });
  const error = h('p', { class: 'error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Set new password');

  async function submit() {
    error.textContent = '';
    if (fresh.value !== again.value) { error.textContent = 'The two new passwords differ.'; return; }
    save.disabled = true;
    try {
      await api('PUT', '/v1/users/me/password', { current_password: temporary ?? current.value, new_password: fresh.value });
      await refresh();
      await onChanged();
    } catch (e) {
      error.textContent = e instanceof TypeError ? 'No connection to the server; try again.' : e.message;
      save.disabled = false;
    }
  }

  const form = h('form', { class: 'auth password-change', onsubmit: e => { e.preventDefault(); submit(); } },
    h('h1', {}, 'Choose a new password'),
    h('p', {}, 'An administrator set a temporary password for you. Choose your own to continue.'),
    ...(temporary ? [] : [h('label', {}, h('span', {}, 'Temporary password'), current)]),
    h('label', {}, h('span', {}, 'New password'), fresh),
    h('label', {}, h('span', {}, 'Repeat new password'), again),
    error,
    h('div', { class: 'actions' }, save, h('button', { type: 'button', onclick: () => signOut() }, 'Sign out')));
  main.replaceChildren(form);
  (temporary ? fresh : current).focus();
}
