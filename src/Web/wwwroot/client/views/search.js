// Message search (GET /v1/search/messages) under the sidebar's Search field: asked a moment after
// typing stops, each result its sender, conversation and snippet with the words found marked —
// the snippet is the sender's text, so it becomes text nodes and <mark>s, never markup.
import { h, clear, formatTime } from '../dom.js';
import { state, conversationName } from '../store.js';

const DEBOUNCE_MS = 300;

export function searchResults(actions) {
  const list = h('ul', { class: 'search-results' });
  const status = h('p', { class: 'search-status', role: 'status' });
  const panel = h('section', { class: 'search-panel', 'aria-label': 'Search results', hidden: true }, h('h2', {}, 'Messages'), status, list);
  let timer = null;
  let asked = 0; // only the answer to the latest query is shown

  function query(text) {
    clearTimeout(timer);
    const words = text.trim();
    if (!/[\p{L}\p{N}]/u.test(words)) {
      asked++;
      panel.hidden = true;
      clear(list);
      return;
    }
    timer = setTimeout(() => run(words), DEBOUNCE_MS);
  }

  async function run(words) {
    const mine = ++asked;
    panel.hidden = false;
    status.textContent = 'Searching…';
    try {
      const page = await actions.search(words);
      if (mine !== asked) return;
      clear(list).append(...page.items.map(result));
      status.textContent = page.items.length ? `${page.items.length} message${page.items.length === 1 ? '' : 's'} found` : 'No message matches.';
    } catch (e) {
      if (mine === asked) status.textContent = `Search failed: ${e.message}`;
    }
  }

  function result({ message, snippet, highlights }) {
    const conversation = state.conversations.get(message.conversation_id);
    const where = conversation ? conversationName(conversation) : '';
    const from = message.from === state.me ? 'You' : message.from;
    return h('li', {}, h('button', {
      type: 'button', class: 'search-result',
      onclick: () => actions.openMessage(message.conversation_id, message.message_id),
    },
    h('span', { class: 'result-head' }, h('span', { class: 'name' }, where && where !== message.from ? `${from} in ${where}` : from),
      h('time', { datetime: message.sent_at }, formatTime(message.sent_at))),
    h('span', { class: 'snippet' }, marked(snippet ?? '', highlights ?? []))));
  }

  return { panel, query };
}

/** The snippet as text with each highlight (UTF-16 offsets, end exclusive) in a <mark>. */
export function marked(snippet, highlights) {
  const parts = [];
  let at = 0;
  for (const { start, end } of [...highlights].sort((a, b) => a.start - b.start)) {
    if (start < at || end <= start || end > snippet.length) continue; // overlapping or out of range: left plain
    if (start > at) parts.push(snippet.slice(at, start));
    parts.push(h('mark', {}, snippet.slice(start, end)));
    at = end;
  }
  if (at < snippet.length) parts.push(snippet.slice(at));
  return parts;
}
