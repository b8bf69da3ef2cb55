// What the views ask for, and what the socket tells: sending through the outbox, opening a
// conversation, the read cursor, typing, new chats, uploads, edits, deletes, reactions, search,
// and every server frame.
import { api, get, post, isNetworkError, ApiError } from './api.js';
import { announce } from './dom.js';
import { connectSocket } from './socket.js';
import * as outbox from './outbox.js';
import * as files from './files.js';
import { loadLatest, loadOlder, loadUntil } from './history.js';
import {
  state, reset, setConversations, addMessages, setLocalState, setStatus, setPresence, setTyping, setRead,
  countUnread, setConnected, open, previewOf, historyLoaded, highestSeq, conversationName, findMessage, threadReply,
  setPins, forgetHistory,
} from './store.js';

let socket = null;
let flushing = null;
const readSent = new Map();      // conversation_id → up_to_seq last sent
const typingSince = new Map();   // conversation_id → when a start was last sent
const typingStop = new Map();    // conversation_id → timer sending stop

export async function start(me) {
  reset(me);
  await refreshConversations();
  // What was written before a reload (or while offline) shows at once, waiting to be sent.
  for (const message of await outbox.pendingFor(me)) addMessages(message.conversation_id, [{ ...message, local: 'queued' }]);
  socket = connectSocket({ onFrame, onOpen: reconnected, onState: setConnected });
  window.addEventListener('online', flush);
}

export function stop() {
  socket?.close();
  socket = null;
  window.removeEventListener('online', flush);
}

export async function refreshConversations() {
  const page = await get('/v1/conversations?limit=200');
  setConversations(page.items);
  // Left or removed from the open group: it is no longer ours to show.
  if (state.openId && !state.conversations.has(state.openId)) open(null);
  const peers = page.items.filter(c => c.type === 'direct').map(c => c.members.find(m => m !== state.me)).filter(Boolean);
  await Promise.all([...new Set(peers)].map(async peer => {
    try { setPresence(peer, (await get(`/v1/presence/${encodeURIComponent(peer)}`)).status); } catch { /* shown offline */ }
  }));
}

/** After every (re)connect: ask for what was missed, then send what waited. */
function reconnected() {
  socket.send({ type: 'sync' });
  // With the epoch of what is held: if the history was rebuilt since, sync.done says resync instead.
  if (state.openId && historyLoaded(state.openId))
    socket.send({ type: 'sync', conversation_id: state.openId, after_seq: highestSeq(state.openId), epoch: state.epochs.get(state.openId) });
  if (state.openId) loadPins(state.openId).catch(() => {});
  refreshConversations().catch(() => {});
  readSent.clear();
  flush();
}

function onFrame(frame) {
  switch (frame.type) {
    case 'message.new': {
      const message = frame.message;
      if (message.from !== state.me) socket.send({ type: 'ack', message_id: message.message_id });
      const known = state.conversations.has(message.conversation_id);
      const added = addMessages(message.conversation_id, [message]);
      if (message.thread_root) threadReply(message.conversation_id, message);
      if (added.length && message.payload?.type === 'system') systemChanged(message);
      setTyping(message.conversation_id, message.from, false);
      // A conversation not seen before comes with its counts from the list.
      if (!known) refreshConversations().catch(() => {});
      else if (added.length && message.from !== state.me && message.payload?.type !== 'system' && !beingRead(message.conversation_id))
        countUnread(message.conversation_id);
      // The open conversation's log region speaks for itself; others are announced here.
      if (added.length && message.from !== state.me && message.conversation_id !== state.openId)
        announce(`New message from ${message.from}: ${previewOf(message)}`);
      break;
    }
    case 'message.status':
      setStatus(frame.message_id, frame.recipient, frame.status);
      learnSequence(frame.conversation_id, frame.message_id);
      break;
    case 'message.updated': changed(frame.message); break;
    // A tombstone has no payload and no reactions: they go from what is shown too.
    case 'message.deleted': changed({ ...frame.message, payload: undefined, reactions: [] }); break;
    case 'message.reaction':
      if (findMessage(frame.conversation_id, frame.message_id))
        addMessages(frame.conversation_id, [{ message_id: frame.message_id, reactions: frame.reactions }]);
      break;
    case 'presence.update': setPresence(frame.username, frame.status); break;
    case 'typing': setTyping(frame.conversation_id, frame.username, frame.state === 'start'); break;
    case 'conversation.read': setRead(frame.conversation_id, frame.last_read_seq, frame.unread_count); break;
    case 'sync.done':
      if (frame.resync && frame.conversation_id) resync(frame.conversation_id, frame.epoch).catch(() => {});
      else if (frame.conversation_id && frame.epoch) state.epochs.set(frame.conversation_id, frame.epoch);
      break;
    case 'file.updated': files.forget(frame.file_id); break; // the next look at it finds the thumbnail
    default: break; // pong; error frames change nothing
  }
}

/**
 * The conversation's history was rebuilt since it was read (issue 25): its sequence numbers may mean
 * other messages now, so nothing held of it is trusted — dropped, and read again if it is on screen.
 */
async function resync(conversationId, epoch) {
  forgetHistory(conversationId, epoch);
  // What waits in the outbox is still to be sent, and shown meanwhile.
  for (const message of await outbox.pendingFor(state.me))
    if (message.conversation_id === conversationId) addMessages(conversationId, [{ ...message, local: 'queued' }]);
  if (state.openId !== conversationId) return; // read from scratch when it is opened
  await loadLatest(conversationId);
  await loadOwnStatuses(conversationId);
}

/** A pin, or a change of who may pin (roles, members), read again where it is shown. */
function systemChanged(message) {
  const conversationId = message.conversation_id;
  if (!state.pins.has(conversationId)) return;
  if (['message.pinned', 'message.unpinned'].includes(message.payload.event)) loadPins(conversationId, false).catch(() => {});
  else if (message.payload.target === state.me || message.payload.new_owner === state.me) loadPins(conversationId).catch(() => {});
}

const pinTimers = new Map(); // conversation_id → the timer reading the pins again when the first one expires

/** The conversation's pins (GET …/pins) and, with right, whether the reader may pin there. */
export async function loadPins(conversationId, right = true) {
  const conversation = state.conversations.get(conversationId);
  if (!conversation) return;
  const path = `/v1/conversations/${encodeURIComponent(conversationId)}`;
  const [page, group] = await Promise.all([get(`${path}/pins`), right && conversation.type === 'group' ? get(path) : null]);
  const role = group?.member_details.find(m => m.username === state.me)?.role;
  setPins(conversationId, page.items, right ? conversation.type === 'direct' || role === 'owner' || role === 'admin' : undefined);
  // A pin with expires_at ends without a system message: read them again when the first one does.
  clearTimeout(pinTimers.get(conversationId));
  const next = Math.min(...page.items.filter(p => p.expires_at).map(p => Date.parse(p.expires_at)));
  if (Number.isFinite(next)) pinTimers.set(conversationId, setTimeout(() => loadPins(conversationId, false).catch(() => {}), Math.max(0, next - Date.now()) + 500));
}

/** Pinning is answered 202; the system message that follows makes every member's client read the pins again. */
export const pin = messageId => api('PUT', `${messagePath(messageId)}/pin`);
export const unpin = messageId => api('DELETE', `${messagePath(messageId)}/pin`);

/** An edited or deleted message, in place (if loaded), and the quotes of the replies to it. */
function changed(message) {
  const conversationId = message.conversation_id;
  if (!findMessage(conversationId, message.message_id)) return; // history brings it as it is now
  addMessages(conversationId, [message]);
  const quote = message.deleted ? { from: message.from, deleted: true } : { from: message.from, text: quoteOf(message) };
  const replies = state.messages.get(conversationId).list.filter(m => m.reply_to === message.message_id && !m.deleted);
  if (replies.length) addMessages(conversationId, replies.map(m => ({ message_id: m.message_id, reply_quote: quote })));
}

/** The start of a message's text as the API quotes it: at most 100 characters and "…". */
const quoteOf = message => {
  const text = previewOf(message);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
};

/** One's own message is numbered once the Router stored it (any status frame says so); its place follows. */
const learning = new Set();
async function learnSequence(conversationId, messageId) {
  const message = findMessage(conversationId, messageId);
  if (!message || message.sequence_number || learning.has(messageId)) return;
  learning.add(messageId);
  try {
    const status = await get(`/v1/messages/${encodeURIComponent(messageId)}/status`);
    if (status.sequence_number) addMessages(conversationId, [{ message_id: messageId, sequence_number: status.sequence_number }]);
  } catch { /* stays where it was written */ } finally {
    learning.delete(messageId);
  }
}

const beingRead = conversationId => state.openId === conversationId && document.visibilityState === 'visible';

export async function openConversation(conversationId) {
  open(conversationId);
  loadPins(conversationId).catch(() => {});
  if (!historyLoaded(conversationId)) {
    await loadLatest(conversationId);
    await loadOwnStatuses(conversationId);
  }
}

/** Ticks for the last few of one's own messages from history (the live ones come as frames). */
async function loadOwnStatuses(conversationId) {
  const mine = state.messages.get(conversationId).list.filter(m => m.from === state.me && m.sequence_number).slice(-10);
  await Promise.all(mine.map(async message => {
    try {
      for (const r of (await get(`/v1/messages/${encodeURIComponent(message.message_id)}/status`)).recipients ?? []) setStatus(message.message_id, r.username, r.status);
    } catch { /* ticks stay plain */ }
  }));
}

export function closeConversation() { open(null); }

export { loadOlder };

/** Opens a conversation at one message (a search result): older pages are read until it is there. */
export async function openAt(conversationId, messageId) {
  if (state.openId !== conversationId || !historyLoaded(conversationId)) await openConversation(conversationId);
  return loadUntil(conversationId, messageId);
}

const messagePath = messageId => `/v1/messages/${encodeURIComponent(messageId)}`;

/** Edit, delete and react are answered 202; what changed arrives as a frame, to this socket too. */
export const edit = (messageId, text) => api('PATCH', messagePath(messageId), { text });
export const remove = messageId => api('DELETE', messagePath(messageId));
export const react = (messageId, emoji, on) => api(on ? 'PUT' : 'DELETE', `${messagePath(messageId)}/reactions/${encodeURIComponent(emoji)}`);

export const search = (query, limit = 20) => get(`/v1/search/messages?q=${encodeURIComponent(query)}&limit=${limit}`);

/** The fields a reply carries: the original's id, and a quote of it to show until the server's arrives. */
export const replyFields = original => ({ reply_to: original.message_id, reply_quote: { from: original.from, text: quoteOf(original) } });

/** The read cursor moves forward to what was on screen (the read frame; the server confirms with conversation.read). */
export function seen(conversationId, seq) {
  const conversation = state.conversations.get(conversationId);
  if (!conversation || seq <= Math.max(conversation.last_read_seq ?? 0, readSent.get(conversationId) ?? 0)) return;
  if (!socket?.send({ type: 'read', conversation_id: conversationId, up_to_seq: seq })) return;
  readSent.set(conversationId, seq);
  if (seq >= highestSeq(conversationId)) setRead(conversationId, seq, 0);
}

export function typing(conversationId) {
  if (Date.now() - (typingSince.get(conversationId) ?? 0) > 3000) {
    socket?.send({ type: 'typing', conversation_id: conversationId, state: 'start' });
    typingSince.set(conversationId, Date.now());
  }
  clearTimeout(typingStop.get(conversationId));
  typingStop.set(conversationId, setTimeout(() => stopTyping(conversationId), 4000));
}

export function stopTyping(conversationId) {
  clearTimeout(typingStop.get(conversationId));
  if (!typingSince.has(conversationId)) return;
  typingSince.delete(conversationId);
  socket?.send({ type: 'typing', conversation_id: conversationId, state: 'stop' });
}

/** Every message goes through the outbox first, so a lost network or a reload loses none. */
export async function send(conversationId, payload, extra = {}) {
  const message = {
    message_id: crypto.randomUUID(), conversation_id: conversationId, from: state.me, payload,
    sent_at: new Date().toISOString(), anchor: highestSeq(conversationId), ...extra,
  };
  addMessages(conversationId, [{ ...message, local: 'queued' }]);
  await outbox.put(message);
  flush();
}

/** Sends the outbox in order, one flush at a time; stops at the first network failure (to retry on reconnect). */
export function flush() {
  if (flushing) { flushing.again = true; return flushing.done; }
  flushing = { again: false };
  flushing.done = (async () => {
    try {
      do {
        flushing.again = false;
        for (const message of await outbox.pendingFor(state.me)) {
          setLocalState(message.conversation_id, message.message_id, 'sending');
          try {
            // A file's name and size are shown locally; the API takes only its id (and caption).
            const { file: _shown, ...payload } = message.payload;
            const reply = message.reply_to ? { reply_to: message.reply_to } : {};
            await post('/v1/messages', { message_id: message.message_id, conversation_id: message.conversation_id, from: message.from, payload, ...reply });
            await outbox.remove(message.message_id);
            setLocalState(message.conversation_id, message.message_id, undefined);
          } catch (error) {
            if (isNetworkError(error) || (error instanceof ApiError && [408, 429, 500, 502, 503, 504].includes(error.status))) {
              setLocalState(message.conversation_id, message.message_id, 'queued');
              return; // the same message_id is sent again later: never two
            }
            await outbox.remove(message.message_id);
            setLocalState(message.conversation_id, message.message_id, 'failed', error.message);
          }
        }
      } while (flushing.again);
    } finally {
      flushing = null;
    }
  })();
  return flushing.done;
}

export async function startDirect(username) {
  if (!username) throw new Error('Type a username.');
  const conversation = await post('/v1/conversations', { type: 'direct', members: [state.me, username] });
  await refreshConversations();
  await openConversation(conversation.conversation_id);
  announce(`Chat with ${conversationName(state.conversations.get(conversation.conversation_id) ?? conversation)} opened`);
}

/** Uploads, then sends the file as a message (through the outbox like any other). */
export async function upload(conversationId, file, onProgress) {
  const fileId = await files.upload(file, onProgress);
  await send(conversationId, { type: 'file', file_id: fileId },
    { payload: { type: 'file', file_id: fileId, file: { file_name: file.name, content_type: file.type, size: file.size } } });
}

/** Mark unread from this message on (issue 25): the cursor moves back; conversation.read brings the badge to every device. */
export async function markUnread(message) {
  await post(`/v1/conversations/${encodeURIComponent(message.conversation_id)}/unread`, { from_seq: message.sequence_number });
  readSent.set(message.conversation_id, message.sequence_number - 1);
}

/** A reply sent in a thread: the sender gets no message.new for it, so it counts here at once. */
export function sentInThread(conversationId, messageId, rootId, text) {
  threadReply(conversationId, { message_id: messageId, conversation_id: conversationId, from: state.me, thread_root: rootId, payload: { type: 'text', text } });
}
