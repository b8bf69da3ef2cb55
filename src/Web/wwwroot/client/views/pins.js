// The open conversation's pinned messages (issue 25), above its history: each one a button that
// shows the message in the log (older pages are read until it is there), and Unpin where the reader
// may. chat.js reads the pins when the conversation opens and again on each pin's system message.
import { h } from '../dom.js';
import { events, state, mayPin, previewOf } from '../store.js';

export function pinnedBar(actions) {
  const heading = h('h3', { class: 'pinned-heading' });
  const list = h('ul', {});
  const bar = h('section', { class: 'pinned-bar', 'aria-label': 'Pinned messages', hidden: true }, heading, list);

  function render() {
    const pins = [...(state.pins.get(state.openId ?? '')?.values() ?? [])];
    bar.hidden = !pins.length;
    heading.textContent = pins.length === 1 ? '1 pinned message' : `${pins.length} pinned messages`;
    list.replaceChildren(...pins.map(pin => {
      const { message } = pin;
      const who = message.from === state.me ? 'You' : message.from;
      const row = h('li', { class: 'pinned', 'data-id': message.message_id },
        h('button', { type: 'button', class: 'pinned-open', onclick: () => actions.showMessage(message.message_id) }, `${who}: ${previewOf(message)}`));
      if (mayPin(state.openId)) {
        row.append(h('button', {
          type: 'button', 'aria-label': `Unpin ${who}: ${previewOf(message)}`,
          onclick: () => actions.unpin(message).catch(e => { row.append(h('span', { class: 'error', role: 'alert' }, e.message)); }),
        }, 'Unpin'));
      }
      return row;
    }));
  }

  events.addEventListener('pins', e => { if (e.detail.conversationId === state.openId) render(); });
  events.addEventListener('open', render);
  return { bar };
}
