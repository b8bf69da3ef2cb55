// The open conversation: history and live messages (one element per message_id, updated in place),
// the read cursor moved as messages come into view, typing, jump-to-latest, its pins and the composer.
import { h, clear } from '../dom.js';
import { events, state, messagesOf, conversationName, peerOf, typersIn } from '../store.js';
import { createMessage, updateMessage } from './message.js';
import { renderComposer } from './composer.js';
import { groupDetails } from './group.js';
import { threadPanel } from './thread.js';
import { pinnedBar } from './pins.js';

export function renderConversation(container, actions) {
  let elements = new Map();
  let renderedId = null;
  const title = h('h2', { class: 'conversation-title' });
  const presence = h('span', { class: 'presence-text' });
  const back = h('button', { type: 'button', class: 'back', onclick: () => actions.close() }, 'Back');
  const list = h('ol', { class: 'messages', role: 'log', 'aria-label': 'Messages', tabindex: '0' });
  const jump = h('button', { type: 'button', class: 'jump', hidden: true, onclick: () => scrollToLatest(true) }, 'Jump to latest');
  const typing = h('p', { class: 'typing-indicator', role: 'status' });
  const composer = h('div', { class: 'composer-area' });
  // A direct conversation whose other member deleted their account is read-only (the server refuses a send).
  const readOnly = h('p', { class: 'read-only', role: 'status', hidden: true }, 'This account was deleted; the conversation is read-only.');
  const empty = h('p', { class: 'placeholder' }, 'Choose a conversation, or start one with New chat.');
  const details = groupDetails(actions);
  const threads = threadPanel(actions);
  const pins = pinnedBar(actions);
  const detailsButton = h('button', {
    type: 'button', class: 'details-button', 'aria-expanded': 'false',
    onclick: () => detailsButton.setAttribute('aria-expanded', String(details.toggle(state.openId))),
  }, 'Details');
  const pane = h('div', { class: 'pane', hidden: true },
    h('header', { class: 'conversation-header' }, back, h('div', {}, title, presence), detailsButton), details.panel, pins.bar, list, jump, typing, composer, readOnly, threads.panel);
  container.replaceChildren(empty, pane);
  const composerView = renderComposer(composer, actions);

  // A message counts as seen once it is on screen while the page is visible.
  const seen = new IntersectionObserver(entries => {
    if (document.visibilityState !== 'visible') return;
    const seq = Math.max(0, ...entries.filter(e => e.isIntersecting).map(e => Number(e.target.dataset.seq || 0)));
    if (seq) actions.seen(state.openId, seq);
  }, { root: list, threshold: 0.6 });

  const atBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  function scrollToLatest(focus) {
    list.scrollTop = list.scrollHeight;
    jump.hidden = true;
    if (focus) composerView.focus();
  }
  list.addEventListener('scroll', () => {
    if (atBottom()) jump.hidden = true;
    // At the top, the page before is read and put above (renderMessages keeps what is on screen in place).
    if (list.scrollTop === 0) actions.loadOlder(state.openId).catch(() => {});
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.openId && atBottom()) {
      const last = messagesOf(state.openId).findLast(m => m.sequence_number);
      if (last) actions.seen(state.openId, last.sequence_number);
    }
  });

  function renderHeader() {
    const conversation = state.conversations.get(state.openId);
    if (!conversation) return;
    title.textContent = conversationName(conversation);
    const peer = peerOf(conversation);
    presence.textContent = conversation.peer_deleted ? 'account deleted'
      : peer ? (state.presence.get(peer) === 'online' ? 'online' : 'offline') : `${conversation.members.length} members`;
    composer.hidden = !!conversation.peer_deleted;
    readOnly.hidden = !conversation.peer_deleted;
    detailsButton.hidden = conversation.type !== 'group';
  }

  function renderMessages(added = []) {
    const id = state.openId;
    if (!id) return;
    const follow = atBottom() || renderedId !== id;
    const fromBottom = list.scrollHeight - list.scrollTop;
    if (renderedId !== id) {
      clear(list);
      elements = new Map();
      seen.disconnect();
      renderedId = id;
    }
    const messages = messagesOf(id);
    for (const message of messages) {
      let element = elements.get(message.message_id);
      if (!element) {
        element = createMessage(message, actions);
        elements.set(message.message_id, element);
      } else updateMessage(element, message, actions);
      if (message.sequence_number && element.dataset.seq !== String(message.sequence_number)) {
        element.dataset.seq = String(message.sequence_number);
        seen.observe(element);
      }
    }
    // Reorder only when the order changed (a number arrived for a message written offline, say).
    const inOrder = messages.length === list.children.length && messages.every((m, i) => list.children[i] === elements.get(m.message_id));
    if (!inOrder) list.append(...messages.map(m => elements.get(m.message_id)));
    if (follow) scrollToLatest(false);
    else {
      list.scrollTop = list.scrollHeight - fromBottom; // older messages above, or one that grew: the view stays put
      // Only news below shows Jump to latest, not an older page read above.
      const newest = messages.at(-1);
      if (added.includes(newest) && newest.from !== state.me) jump.hidden = false;
    }
  }

  function renderTyping() {
    const typers = state.openId ? typersIn(state.openId) : [];
    typing.textContent = typers.length ? `${typers.join(', ')} ${typers.length === 1 ? 'is' : 'are'} typing…` : '';
  }
  setInterval(renderTyping, 2000); // typing states lapse without a stop frame

  events.addEventListener('open', () => {
    const open = Boolean(state.openId);
    pane.hidden = !open;
    empty.hidden = open;
    document.body.classList.toggle('conversation-open', open);
    details.hide();
    threads.hide();
    detailsButton.setAttribute('aria-expanded', 'false');
    if (!open) return;
    renderHeader();
    renderMessages();
    renderTyping();
    composerView.reset(state.openId);
  });
  events.addEventListener('messages', e => { if (e.detail.conversationId === state.openId) renderMessages(e.detail.added); });
  const updateAll = () => { for (const message of messagesOf(state.openId ?? '')) { const el = elements.get(message.message_id); if (el) updateMessage(el, message, actions); } };
  events.addEventListener('status', updateAll);
  events.addEventListener('pins', e => { if (e.detail.conversationId === state.openId) updateAll(); });
  // A rebuilt history (resync): what is on screen goes, and the page read again is drawn afresh.
  events.addEventListener('history-dropped', e => { if (e.detail.conversationId === renderedId) { renderedId = null; renderMessages(); } });
  events.addEventListener('presence', renderHeader);
  events.addEventListener('conversations', renderHeader);
  events.addEventListener('typing', e => { if (e.detail.conversationId === state.openId) renderTyping(); });
  /** Scrolls to a message and moves focus there (a quote's original, a search result); false if not loaded. */
  function showMessage(messageId) {
    const element = elements.get(messageId);
    if (!element) return false;
    list.querySelector('.message.found')?.classList.remove('found');
    element.classList.add('found');
    element.scrollIntoView({ block: 'center' });
    element.focus({ preventScroll: true });
    return true;
  }

  return { focusComposer: () => composerView.focus(), replyTo: message => composerView.replyTo(message), showMessage, openThread: threads.open };
}
