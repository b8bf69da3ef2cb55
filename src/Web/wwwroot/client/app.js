// Entry point: resume the session (the refresh cookie) or show sign-in; then the chat screen.
import { h } from './dom.js';
import { resume, signOut, onSignedOut, currentUser, mustChangePassword } from './session.js';
import { events, state } from './store.js';
import * as chat from './chat.js';
import { renderAuth, renderPasswordChange } from './views/auth.js';
import { renderSidebar } from './views/sidebar.js';
import { renderConversation } from './views/conversation.js';
import { notificationSwitch, onNotificationOpened } from './notifications.js';
import { accountButton } from './views/account.js';

const main = document.getElementById('main');
const banner = document.getElementById('offline-banner');

function showSignIn() {
  chat.stop();
  everConnected = false;
  document.body.classList.remove('signed-in', 'conversation-open');
  banner.hidden = true;
  renderAuth(main, signedIn);
}

// A temporary password comes first: nothing else would be served with its token.
function signedIn(password) {
  return mustChangePassword() ? renderPasswordChange(main, password, showChat) : showChat();
}

async function showChat() {
  document.body.classList.add('signed-in');
  const sidebar = h('aside', { class: 'sidebar' });
  const conversation = h('section', { class: 'conversation-view', 'aria-label': 'Conversation' });
  main.replaceChildren(
    h('header', { class: 'topbar' },
      h('h1', {}, 'Chat'),
      h('span', { class: 'me' }, `Signed in as ${currentUser()}`),
      ...notificationSwitch(),
      ...accountButton(),
      h('button', { type: 'button', onclick: () => signOut() }, 'Sign out')),
    h('div', { class: 'layout' }, sidebar, conversation));
  const actions = {
    open: async id => { await chat.openConversation(id); view.focusComposer(); },
    close: () => { chat.closeConversation(); main.querySelector(`.conversation[data-id="${CSS.escape(state.openId ?? '')}"]`)?.focus(); },
    startDirect: async name => { await chat.startDirect(name); view.focusComposer(); },
    refresh: () => chat.refreshConversations().catch(() => {}),
    send: chat.send, seen: chat.seen, typing: chat.typing, stopTyping: chat.stopTyping, upload: chat.upload, loadOlder: chat.loadOlder,
    edit: (message, text) => chat.edit(message.message_id, text),
    remove: message => chat.remove(message.message_id),
    react: (message, emoji, on) => chat.react(message.message_id, emoji, on),
    reply: message => view.replyTo(message),
    openThread: (message, from) => view.openThread(message, from),
    sentInThread: chat.sentInThread,
    markUnread: chat.markUnread,
    pin: message => chat.pin(message.message_id),
    unpin: message => chat.unpin(message.message_id),
    replyFields: chat.replyFields,
    search: chat.search,
    // A quote's original: read older pages until it is there.
    showMessage: async messageId => {
      if (state.openId && await chat.openAt(state.openId, messageId)) view.showMessage(messageId);
    },
    // A search result: its conversation, at that message.
    openMessage: async (conversationId, messageId) => {
      if (await chat.openAt(conversationId, messageId)) view.showMessage(messageId); else view.focusComposer();
    },
  };
  renderSidebar(sidebar, actions);
  const view = renderConversation(conversation, actions);
  await chat.start(currentUser());
  onNotificationOpened(id => actions.open(id).catch(() => {}));
}

// The banner follows both the browser's own idea of the network and the socket.
// (Not before the first connect: a page just opened is not offline.)
let everConnected = false;
function updateBanner() {
  if (!document.body.classList.contains('signed-in')) return;
  everConnected ||= state.connected;
  banner.hidden = navigator.onLine && (state.connected || !everConnected);
}
events.addEventListener('connection', updateBanner);
window.addEventListener('online', updateBanner);
window.addEventListener('offline', updateBanner);

onSignedOut(showSignIn);
if (await resume()) await signedIn(); else showSignIn();
