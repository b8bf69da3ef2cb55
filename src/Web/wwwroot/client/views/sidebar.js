// The conversation list: search (filters the list by name and preview here, and finds messages
// through the server: search.js),
// New chat (a direct chat by username), and each conversation with its presence dot, last-message
// preview, time and unread badge, the most recently active first.
import { h, clear, formatTime } from '../dom.js';
import { events, state, sortedConversations, conversationName, peerOf, typersIn } from '../store.js';
import { newGroupForm } from './group.js';
import { searchResults } from './search.js';

export function renderSidebar(container, actions) {
  const found = searchResults(actions);
  const search = h('input', { type: 'search', placeholder: 'Search', autocomplete: 'off', oninput: () => { renderList(); found.query(search.value); } });
  const list = h('ul', { class: 'conversation-list' });
  const newChatError = h('p', { class: 'error', role: 'alert' });
  const newChatName = h('input', { name: 'peer', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', required: true });
  const newChatForm = h('form', {
    class: 'new-chat', hidden: true,
    onsubmit: async event => {
      event.preventDefault();
      newChatError.textContent = '';
      try {
        await actions.startDirect(newChatName.value.trim().toLowerCase());
        newChatName.value = '';
        newChatForm.hidden = true;
      } catch (e) {
        newChatError.textContent = e.message;
      }
    },
  },
  h('label', {}, h('span', {}, 'Username'), newChatName),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary' }, 'Start chat'),
    h('button', { type: 'button', onclick: () => { newChatForm.hidden = true; } }, 'Cancel')),
  newChatError);
  const newChat = h('button', {
    type: 'button', 'aria-expanded': 'false',
    onclick: () => {
      newChatForm.hidden = !newChatForm.hidden;
      newChat.setAttribute('aria-expanded', String(!newChatForm.hidden));
      if (!newChatForm.hidden) newChatName.focus();
    },
  }, 'New chat');
  const groupForm = newGroupForm(actions);
  const newGroup = h('button', {
    type: 'button', 'aria-expanded': 'false',
    onclick: () => {
      groupForm.hidden = !groupForm.hidden;
      newGroup.setAttribute('aria-expanded', String(!groupForm.hidden));
      if (!groupForm.hidden) groupForm.querySelector('input').focus();
    },
  }, 'New group');

  function item(conversation) {
    const name = conversationName(conversation);
    const peer = peerOf(conversation);
    const presence = peer ? state.presence.get(peer) ?? 'offline' : null;
    const unread = conversation.unread_count ?? 0;
    const typers = typersIn(conversation.conversation_id);
    const preview = typers.length ? 'typing…' : conversation.last_message?.preview ?? 'No messages yet';
    const label = [name, presence, unread ? `${unread} unread` : null, preview].filter(Boolean).join(', ');
    return h('li', {},
      h('button', {
        type: 'button', class: 'conversation', 'aria-label': label, 'data-id': conversation.conversation_id,
        'aria-current': state.openId === conversation.conversation_id ? 'true' : null,
        onclick: () => actions.open(conversation.conversation_id),
      },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, name.slice(0, 1).toUpperCase(),
        presence ? h('span', { class: `presence-dot ${presence}` }) : null),
      h('span', { class: 'conversation-main' },
        h('span', { class: 'name' }, name),
        h('span', { class: typers.length ? 'preview typing' : 'preview' }, preview)),
      h('span', { class: 'conversation-meta' },
        h('time', { datetime: conversation.last_activity_at }, formatTime(conversation.last_activity_at)),
        unread ? h('span', { class: 'badge' }, String(unread)) : null)));
  }

  function renderList() {
    const query = search.value.trim().toLowerCase();
    const shown = sortedConversations().filter(c => !query || conversationName(c).toLowerCase().includes(query)
      || (c.last_message?.preview ?? '').toLowerCase().includes(query));
    // Keep focus on the same conversation across re-renders (keyboard users).
    const focusedId = document.activeElement?.closest?.('.conversation-list') ? document.activeElement.dataset.id : null;
    clear(list).append(...shown.map(item));
    if (!shown.length) list.append(h('li', { class: 'empty' }, query ? 'No conversation matches.' : 'No conversations yet: start one with New chat.'));
    if (focusedId) list.querySelector(`[data-id="${CSS.escape(focusedId)}"]`)?.focus();
  }

  for (const type of ['conversations', 'presence', 'typing', 'open', 'messages']) events.addEventListener(type, renderList);
  container.replaceChildren(
    h('div', { class: 'sidebar-tools' }, h('label', { class: 'search' }, h('span', { class: 'visually-hidden' }, 'Search'), search), newChat, newGroup),
    newChatForm, groupForm, found.panel,
    h('nav', { 'aria-label': 'Conversations' }, list));
  renderList();
}
