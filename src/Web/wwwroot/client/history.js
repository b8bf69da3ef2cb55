// A conversation's history from GET /v1/conversations/{id}/messages.
//
// Today the API pages forward only (after_seq), so opening a conversation reads it from the start.
// When before_seq lands (issue 17), loadLatest reads just the newest page (before_seq omitted) and
// loadOlder(conversationId, oldestSeq) — called by the view when the list is scrolled to its top —
// reads the page before it; nothing else here needs to change.
import { get } from './api.js';
import { addMessages, markHistoryLoaded } from './store.js';

const PAGE = 200;

export async function loadLatest(conversationId) {
  let after = 0;
  for (;;) {
    const page = await get(`/v1/conversations/${encodeURIComponent(conversationId)}/messages?after_seq=${after}&limit=${PAGE}`);
    addMessages(conversationId, page.items);
    if (page.items.length < PAGE) break;
    after = page.next_after_seq;
  }
  markHistoryLoaded(conversationId);
}

/** Older messages than oldestSeq: nothing until before_seq exists (the whole history is loaded). */
export async function loadOlder() {
  return 0;
}
