// What the client knows: conversations, their messages, delivery statuses, presence and typing.
// Views read it and re-render on the events it emits; nothing here touches the DOM or the network.

export const events = new EventTarget();
const emit = (type, detail) => events.dispatchEvent(new CustomEvent(type, { detail }));

export const state = {
  me: null,
  conversations: new Map(),   // conversation_id → the API's conversation, kept current
  messages: new Map(),        // conversation_id → { list: [message], byId: Map }
  statuses: new Map(),        // message_id → Map(recipient → status)
  presence: new Map(),        // username → 'online' | 'offline'
  typing: new Map(),          // conversation_id → Map(username → expiry time)
  pins: new Map(),            // conversation_id → Map(message_id → pin), as GET …/pins answered
  mayPin: new Map(),          // conversation_id → whether the reader may pin there (a group's owners and admins; both in a direct chat)
  epochs: new Map(),          // conversation_id → the epoch of the history held (issue 25)
  openId: null,               // the conversation on screen
  connected: false,
};

const STATUS_RANK = { failed: -1, queued: 0, accepted: 1, sent: 2, delivered: 3, read: 4 };

export function reset(me) {
  state.me = me;
  for (const key of ['conversations', 'messages', 'statuses', 'presence', 'typing', 'pins', 'mayPin', 'epochs']) state[key].clear();
  state.openId = null;
}

export function setConversations(items) {
  const previous = state.conversations;
  state.conversations = new Map(items.map(c => [c.conversation_id, { ...previous.get(c.conversation_id), ...c }]));
  emit('conversations');
}

export const sortedConversations = () =>
  [...state.conversations.values()].sort((a, b) => (b.last_activity_at ?? '').localeCompare(a.last_activity_at ?? ''));

/** The other member of a direct conversation ("deleted user" once they deleted their account); a group's title. */
export function conversationName(conversation) {
  if (conversation.type === 'direct' && conversation.peer_deleted) return 'deleted user';
  if (conversation.type === 'direct') return conversation.members.find(m => m !== state.me) ?? state.me;
  return conversation.title || conversation.members.filter(m => m !== state.me).join(', ');
}

export const peerOf = conversation =>
  conversation.type === 'direct' ? conversation.members.find(m => m !== state.me) : null;

function thread(conversationId) {
  let entry = state.messages.get(conversationId);
  if (!entry) state.messages.set(conversationId, entry = { list: [], byId: new Map(), loaded: false });
  return entry;
}

export const messagesOf = conversationId => thread(conversationId).list;

/**
 * Adds or updates messages by message_id (so one arriving twice — backlog, sync, history — shows
 * once), in sequence order; the sender's own not numbered yet stay last, in the order written.
 * Returns those that were new.
 */
export function addMessages(conversationId, messages) {
  const entry = thread(conversationId);
  const added = [];
  for (const message of messages) {
    const known = entry.byId.get(message.message_id);
    // A thread reply lives in its thread (views/thread.js), not the timeline, unless also sent to the conversation.
    if (!known && message.thread_root && !message.also_send_to_conversation) continue;
    // An edit or delete can meet an older copy of the message (history read meanwhile): the higher version stands.
    if (known && message.version !== undefined && message.version < (known.version ?? 0)) continue;
    if (known) {
      Object.assign(known, message, message.sequence_number ? { local: undefined } : {});
      if (state.conversations.get(conversationId)?.last_message?.message_id === known.message_id)
        state.conversations.get(conversationId).last_message.preview = previewOf(known);
    } else {
      const copy = { ...message, order: entry.list.length };
      entry.byId.set(message.message_id, copy);
      entry.list.push(copy);
      added.push(copy);
    }
  }
  entry.list.sort((a, b) => sortKey(a) - sortKey(b) || a.order - b.order);
  const last = entry.list.at(-1);
  const conversation = state.conversations.get(conversationId);
  if (conversation && last && added.length) {
    conversation.last_message = { message_id: last.message_id, from: last.from, preview: previewOf(last), sent_at: last.sent_at };
    if ((last.sent_at ?? new Date().toISOString()) > (conversation.last_activity_at ?? '')) conversation.last_activity_at = last.sent_at ?? new Date().toISOString();
  }
  emit('messages', { conversationId, added });
  return added;
}

const threadReplies = new Map(); // root message_id → the ids of its replies counted here

/** A thread reply arrived (issue 25): its root, if loaded, counts it once, and the open thread panel shows it. */
export function threadReply(conversationId, message) {
  const seen = threadReplies.get(message.thread_root) ?? new Set();
  threadReplies.set(message.thread_root, seen);
  if (seen.has(message.message_id)) return;
  seen.add(message.message_id);
  const root = findMessage(conversationId, message.thread_root);
  if (root) {
    const summary = root.thread ?? { reply_count: 0, participants: [] };
    const participants = summary.participants.includes(message.from) ? summary.participants : [...summary.participants, message.from];
    addMessages(conversationId, [{ message_id: root.message_id,
      thread: { reply_count: summary.reply_count + 1, last_reply_at: message.sent_at ?? new Date().toISOString(), participants } }]);
  }
  emit('thread-reply', { conversationId, message });
}

/**
 * Sequence order; one's own message not numbered yet stands just after the last message there was
 * when it was written (its anchor), until its number is learnt.
 */
const sortKey = m => m.sequence_number ?? (m.anchor ?? Number.MAX_SAFE_INTEGER) + 0.5;

export const findMessage = (conversationId, messageId) => thread(conversationId).byId.get(messageId);

export function markHistoryLoaded(conversationId) { thread(conversationId).loaded = true; }

/** Where the next older page of history starts (GET …/messages?before_seq=); null once there is none. */
export function setOlderFrom(conversationId, beforeSeq) { thread(conversationId).olderFrom = beforeSeq ?? null; }
export const olderFrom = conversationId => thread(conversationId).olderFrom ?? null;
export const historyLoaded = conversationId => thread(conversationId).loaded;

export function previewOf(message) {
  if (message.deleted) return 'Message deleted';
  const payload = message.payload ?? {};
  if (payload.type === 'file') return payload.file?.file_name ?? payload.text ?? 'File';
  if (payload.type === 'system') return `${message.from} ${payload.event?.replaceAll('_', ' ') ?? ''}`;
  return (payload.text ?? '').slice(0, 100);
}

export const highestSeq = conversationId =>
  messagesOf(conversationId).reduce((max, m) => Math.max(max, m.sequence_number ?? 0), 0);

export function setLocalState(conversationId, messageId, local, error) {
  const message = thread(conversationId).byId.get(messageId);
  if (!message) return;
  message.local = local;
  message.error = error;
  emit('messages', { conversationId, added: [] });
}

export function setStatus(messageId, recipient, status) {
  let perRecipient = state.statuses.get(messageId);
  if (!perRecipient) state.statuses.set(messageId, perRecipient = new Map());
  // Statuses only move forward; frames can arrive out of order.
  if ((STATUS_RANK[status] ?? 0) < (STATUS_RANK[perRecipient.get(recipient)] ?? -2)) return;
  perRecipient.set(recipient, status);
  emit('status', { messageId });
}

/** Overall status as the API defines it: the least advanced recipient's, failures only when all failed. */
export function statusOf(message) {
  if (message.local) return message.local;
  const perRecipient = [...(state.statuses.get(message.message_id)?.values() ?? [])];
  const live = perRecipient.filter(s => s !== 'failed');
  if (perRecipient.length && !live.length) return 'failed';
  if (!live.length) return 'sent';
  return live.reduce((least, s) => (STATUS_RANK[s] < STATUS_RANK[least] ? s : least));
}

export function setPresence(username, status) {
  state.presence.set(username, status);
  emit('presence');
}

export function setTyping(conversationId, username, typing) {
  let members = state.typing.get(conversationId);
  if (!members) state.typing.set(conversationId, members = new Map());
  if (typing) members.set(username, Date.now() + 8000); else members.delete(username);
  emit('typing', { conversationId });
}

export function typersIn(conversationId) {
  const now = Date.now();
  return [...(state.typing.get(conversationId) ?? new Map())].filter(([, until]) => until > now).map(([name]) => name);
}

export function setRead(conversationId, lastReadSeq, unreadCount) {
  const conversation = state.conversations.get(conversationId);
  if (!conversation) return;
  conversation.last_read_seq = Math.max(conversation.last_read_seq ?? 0, lastReadSeq);
  if (unreadCount !== undefined) conversation.unread_count = unreadCount;
  emit('conversations');
}

export function countUnread(conversationId) {
  const conversation = state.conversations.get(conversationId);
  if (!conversation) return;
  conversation.unread_count = (conversation.unread_count ?? 0) + 1;
  emit('conversations');
}

export function setPins(conversationId, items, mayPin) {
  state.pins.set(conversationId, new Map(items.map(pin => [pin.message.message_id, pin])));
  if (mayPin !== undefined) state.mayPin.set(conversationId, mayPin);
  emit('pins', { conversationId });
}

export const isPinned = (conversationId, messageId) => Boolean(state.pins.get(conversationId)?.has(messageId));
export const mayPin = conversationId => Boolean(state.mayPin.get(conversationId));

/**
 * The conversation's history was rebuilt (sync.done said resync): what is held of it goes, and the
 * next read starts from scratch with the new epoch.
 */
export function forgetHistory(conversationId, epoch) {
  state.messages.delete(conversationId);
  state.epochs.set(conversationId, epoch);
  emit('history-dropped', { conversationId });
}

export function setConnected(connected) {
  state.connected = connected;
  emit('connection');
}

export function open(conversationId) {
  state.openId = conversationId;
  emit('open');
}
