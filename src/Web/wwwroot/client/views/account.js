// The account menu (topbar "Account"): the sessions signed in (each can be ended), the profile
// (display name, status line), a password change and the account's deletion (with the password).
// Each form says what happened in its status line.
import { h, clear, formatTime } from '../dom.js';
import { api, get } from '../api.js';
import { forget } from '../session.js';

export function accountButton() {
  const dialog = h('dialog', { class: 'account', 'aria-label': 'Account' });
  const open = () => { renderAccount(dialog).catch(() => {}); dialog.showModal(); };
  return [h('button', { type: 'button', class: 'account-open', onclick: open }, 'Account'), dialog];
}

async function renderAccount(dialog) {
  const me = await get('/v1/users/me');
  const sessions = h('ul', { class: 'sessions' });
  const sessionsStatus = h('p', { role: 'status' });
  async function listSessions() {
    const page = await get('/v1/sessions');
    clear(sessions).append(...page.items.map(s => h('li', { class: 'session', 'data-id': s.session_id },
      h('span', {}, `${s.user_agent ?? 'Unknown browser'} · ${s.address ?? ''} · last used ${formatTime(s.last_used_at)}`),
      s.current ? h('strong', {}, ' (this session)') : h('button', {
        type: 'button', class: 'end-session',
        onclick: async () => {
          await api('DELETE', `/v1/sessions/${encodeURIComponent(s.session_id)}`);
          sessionsStatus.textContent = 'Session ended.';
          await listSessions();
        },
      }, 'End'))));
  }
  await listSessions();

  const displayName = h('input', { name: 'display_name', value: me.display_name, maxlength: 64, required: true });
  const statusText = h('input', { name: 'status_text', value: me.status_text ?? '', maxlength: 140 });
  const profileStatus = h('p', { role: 'status' });
  const profile = h('form', {
    class: 'profile',
    onsubmit: async event => {
      event.preventDefault();
      try {
        await api('PATCH', '/v1/users/me', { display_name: displayName.value, status_text: statusText.value });
        profileStatus.textContent = 'Profile saved.';
      } catch (e) { profileStatus.textContent = e.message; }
    },
  }, h('label', {}, 'Display name ', displayName), h('label', {}, 'Status ', statusText), h('button', {}, 'Save profile'), profileStatus);

  const current = h('input', { type: 'password', name: 'current_password', autocomplete: 'current-password', required: true });
  const fresh = h('input', { type: 'password', name: 'new_password', autocomplete: 'new-password', required: true });
  const passwordStatus = h('p', { role: 'status' });
  const password = h('form', {
    class: 'password',
    onsubmit: async event => {
      event.preventDefault();
      try {
        await api('PUT', '/v1/users/me/password', { current_password: current.value, new_password: fresh.value });
        passwordStatus.textContent = 'Password changed; your other sessions were ended.';
        password.reset();
        await listSessions();
      } catch (e) { passwordStatus.textContent = e.message; }
    },
  }, h('label', {}, 'Current password ', current), h('label', {}, 'New password ', fresh), h('button', {}, 'Change password'), passwordStatus);

  const confirmation = h('input', { type: 'password', name: 'delete_password', autocomplete: 'current-password', required: true });
  const deleteStatus = h('p', { role: 'status' });
  const removal = h('form', {
    class: 'delete-account',
    onsubmit: async event => {
      event.preventDefault();
      if (!confirm('Delete your account for good? Your messages stay, from "deleted user".')) return;
      try {
        await api('DELETE', '/v1/users/me', { password: confirmation.value });
        dialog.close();
        forget();
      } catch (e) { deleteStatus.textContent = e.message; }
    },
  }, h('p', {}, 'Ends every session and removes your devices, keys and webhooks; your name stays taken and your messages read "deleted user".'),
  h('label', {}, 'Password to confirm ', confirmation), h('button', { class: 'danger' }, 'Delete account'), deleteStatus);

  clear(dialog).append(
    h('h2', {}, 'Account'),
    h('h3', {}, 'Sessions'), sessions, sessionsStatus,
    h('h3', {}, 'Profile'), profile,
    h('h3', {}, 'Password'), password,
    h('h3', {}, 'Delete account'), removal,
    h('button', { type: 'button', onclick: () => dialog.close() }, 'Close'));
}
