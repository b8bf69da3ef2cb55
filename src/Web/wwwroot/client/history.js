// A conversation's history from GET /v1/conversations/{id}/messages, newest first: opening reads the
// latest page (before_seq above any number), and loadOlder — called by the view when the list is
// scrolled to its top — reads the page before the oldest shown.
import { get } from './api.js';
import { state, addMessages, markHistoryLoaded, setOlderFrom, olderFrom, findMessage } from './store.js';

const PAGE = 50;
const NEWEST = '9223372036854775807';
const loading = new Map(); // conversation_id → the page being read (one at a time)

async function readBefore(conversationId, beforeSeq) {
  const page = await get(`/v1/conversations/${encodeURIComponent(conversationId)}/messages?before_seq=${beforeSeq}&limit=${PAGE}`);
  setOlderFrom(conversationId, page.next_before_seq);
  // The epoch these numbers belong to: a sync after a reconnect names it (issue 25).
  if (page.epoch) state.epochs.set(conversationId, page.epoch);
  addMessages(conversationId, page.items);
  return page.items.length;
}

export async function loadLatest(conversationId) {
  await readBefore(conversationId, NEWEST);
  markHistoryLoaded(conversationId);
}

/** The page before the oldest loaded; 0 when there is none (or one is being read already). */
export function loadOlder(conversationId) {
  const from = conversationId ? olderFrom(conversationId) : null;
  if (!from || loading.has(conversationId)) return loading.get(conversationId) ?? Promise.resolve(0);
  const reading = readBefore(conversationId, from).finally(() => loading.delete(conversationId));
  loading.set(conversationId, reading);
  return reading;
}

/** Older pages until this message is loaded (a search result, a quoted original); false if it is not there. */
export async function loadUntil(conversationId, messageId, maxPages = 40) {
  for (let pages = 0; !findMessage(conversationId, messageId); pages++) {
    if (pages >= maxPages || !olderFrom(conversationId)) return false;
    await loadOlder(conversationId);
  }
  return true;
}
