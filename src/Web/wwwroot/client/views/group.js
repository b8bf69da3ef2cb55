// Groups: creating one (from the sidebar), and the Details panel of an open group — rename, add
// and remove members, change roles, leave. Each change is answered 202 and takes effect as a system
// message in the history; the panel reads the group again when one arrives.
import { h, clear } from '../dom.js';
import { get, post, api } from '../api.js';
import { events, state } from '../store.js';

const path = id => `/v1/conversations/${encodeURIComponent(id)}`;

export function newGroupForm(actions) {
  const title = h('input', { name: 'title', required: true, maxlength: '200', autocomplete: 'off' });
  const members = h('input', { name: 'members', required: true, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', {
    class: 'new-chat', hidden: true,
    onsubmit: async event => {
      event.preventDefault();
      error.textContent = '';
      const names = members.value.split(/[\s,]+/).map(n => n.trim().toLowerCase()).filter(Boolean);
      try {
        const created = await post('/v1/conversations', { type: 'group', title: title.value.trim(), members: [state.me, ...names] });
        title.value = members.value = '';
        form.hidden = true;
        await actions.refresh();
        await actions.open(created.conversation_id);
      } catch (e) {
        error.textContent = e.message;
      }
    },
  },
  h('label', {}, h('span', {}, 'Group name'), title),
  h('label', {}, h('span', {}, 'Members (usernames, comma-separated)'), members),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary' }, 'Create group'),
    h('button', { type: 'button', onclick: () => { form.hidden = true; } }, 'Cancel')),
  error);
  return form;
}

/** The Details panel of the open group; render(id) fills it, hidden for direct chats. */
export function groupDetails(actions) {
  const panel = h('section', { class: 'group-details', 'aria-label': 'Group details', hidden: true });
  const error = h('p', { class: 'error', role: 'alert' });
  let shownId = null;

  async function act(work) {
    error.textContent = '';
    try { await work(); } catch (e) { error.textContent = e.message; }
  }

  async function render(id) {
    shownId = id;
    const group = await get(path(id));
    if (shownId !== id) return;
    const mine = group.member_details.find(m => m.username === state.me)?.role;
    const manages = mine === 'owner' || mine === 'admin';
    const name = h('input', { name: 'group-title', value: group.title ?? '', maxlength: '200', required: true });
    const adding = h('input', { name: 'add-member', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', required: true });
    clear(panel).append(
      h('h3', {}, 'Details'),
      manages ? h('form', { class: 'inline-form', onsubmit: e => { e.preventDefault(); act(() => api('PATCH', path(id), { title: name.value.trim() })); } },
        h('label', {}, h('span', {}, 'Group name'), name), h('button', { type: 'submit' }, 'Rename')) : null,
      h('ul', { class: 'members', 'aria-label': 'Members' }, group.member_details.map(member => memberRow(id, member, mine))),
      manages ? h('form', { class: 'inline-form', onsubmit: e => { e.preventDefault(); act(() => post(`${path(id)}/members`, { username: adding.value.trim().toLowerCase() })); adding.value = ''; } },
        h('label', {}, h('span', {}, 'Add member'), adding), h('button', { type: 'submit' }, 'Add')) : null,
      h('button', { type: 'button', class: 'danger', onclick: () => act(() => api('DELETE', `${path(id)}/members/${encodeURIComponent(state.me)}`)) }, 'Leave group'),
      error);
  }

  function memberRow(id, member, mine) {
    const who = member.username === state.me ? `${member.username} (you)` : member.username;
    const row = h('li', {}, h('span', { class: 'member-name' }, who), h('span', { class: 'role' }, member.role ?? ''));
    if (member.username === state.me) return row;
    if (mine === 'owner') {
      const role = h('select', { 'aria-label': `Role of ${member.username}` },
        ['member', 'admin', 'owner'].map(r => h('option', { value: r, selected: r === member.role }, r)));
      role.addEventListener('change', () => act(() => api('PUT', `${path(id)}/members/${encodeURIComponent(member.username)}`, { role: role.value })));
      row.append(role);
    }
    const removable = mine === 'owner' || (mine === 'admin' && member.role === 'member');
    if (removable) row.append(h('button', { type: 'button', onclick: () => act(() => api('DELETE', `${path(id)}/members/${encodeURIComponent(member.username)}`)) }, `Remove ${member.username}`));
    return row;
  }

  // A system message is a change that took effect: read the group (and the list's titles) again.
  events.addEventListener('messages', e => {
    const changes = e.detail.added.filter(m => m.payload?.type === 'system');
    if (!changes.length) return;
    actions.refresh();
    if (changes.some(m => m.payload.target === state.me && m.payload.event === 'member.removed') || changes.some(m => m.payload.event === 'member.left' && m.payload.actor === state.me)) {
      panel.hidden = true;
      return;
    }
    if (!panel.hidden && e.detail.conversationId === shownId) render(shownId).catch(() => { panel.hidden = true; });
  });

  return {
    panel,
    toggle(id) {
      panel.hidden = !panel.hidden;
      if (!panel.hidden) render(id).catch(e => { error.textContent = e.message; });
      return !panel.hidden;
    },
    hide() { panel.hidden = true; shownId = null; },
  };
}
