// `@` autocomplete of members in the composer (issue 25): typing @ and letters lists the matching
// members (and @here / @all in groups) below the field, as the ARIA combobox pattern has it — the
// field is the combobox, the list its listbox, the highlighted option its aria-activedescendant.
// ArrowUp/Down move, Enter or Tab picks, Escape closes; a click picks too (focus stays in the field).
import { h } from '../dom.js';
import { state } from '../store.js';

const GROUP_WIDE = ['@here', '@all'];
const MAX_SHOWN = 8;
/** An @ that starts a word, and what was typed after it up to the caret. */
const TYPED = /(?:^|\s)@([a-z0-9_.-]*)$/i;

/** The names one may mention in a conversation: the other members, and @here/@all in a group. */
function candidates(conversationId) {
  const conversation = state.conversations.get(conversationId);
  if (!conversation) return [];
  const members = conversation.members.filter(m => m !== state.me).sort();
  return conversation.type === 'group' ? [...members, ...GROUP_WIDE] : members;
}

/** What payload.mentions carries for a text: each @name that names a member (or @here/@all in a group), once, lower case. */
export function mentionsIn(conversationId, text) {
  const allowed = new Set(candidates(conversationId));
  const found = [...text.matchAll(/(?:^|\s)@([a-z0-9_.-]+)/gi)].map(m => m[1].toLowerCase())
    .map(name => (allowed.has(`@${name}`) ? `@${name}` : name))
    .filter(name => allowed.has(name));
  return [...new Set(found)];
}

/** Makes the field a combobox; returns handle(keydown event) → true when the key was the list's. */
export function mentionAutocomplete(field) {
  const listbox = h('ul', { id: 'mention-options', class: 'mention-options', role: 'listbox', 'aria-label': 'Members to mention', hidden: true });
  field.setAttribute('role', 'combobox');
  field.setAttribute('aria-autocomplete', 'list');
  field.setAttribute('aria-controls', listbox.id);
  field.setAttribute('aria-expanded', 'false');
  let options = [];
  let active = -1;
  let typed = null; // { start, end } of the "@query" being completed

  function close() {
    listbox.hidden = true;
    listbox.replaceChildren();
    options = [];
    active = -1;
    typed = null;
    field.setAttribute('aria-expanded', 'false');
    field.removeAttribute('aria-activedescendant');
  }

  function highlight(index) {
    active = (index + options.length) % options.length;
    listbox.querySelectorAll('[role="option"]').forEach((option, i) => option.setAttribute('aria-selected', String(i === active)));
    field.setAttribute('aria-activedescendant', `mention-option-${active}`);
    listbox.children[active]?.scrollIntoView({ block: 'nearest' });
  }

  function update() {
    const caret = field.selectionStart ?? field.value.length;
    const match = state.openId && field.selectionEnd === caret ? TYPED.exec(field.value.slice(0, caret)) : null;
    if (!match) return close();
    const query = match[1].toLowerCase();
    options = candidates(state.openId).filter(name => name.replace(/^@/, '').startsWith(query)).slice(0, MAX_SHOWN);
    if (!options.length) return close();
    typed = { start: caret - query.length - 1, end: caret };
    listbox.replaceChildren(...options.map((name, i) => h('li', {
      id: `mention-option-${i}`, role: 'option', 'aria-selected': 'false', class: 'mention-option',
      // mousedown, not click: the field keeps focus (and the caret) while the option is chosen.
      onmousedown: event => { event.preventDefault(); pick(i); },
    }, name.startsWith('@') ? name : `@${name}`)));
    listbox.hidden = false;
    field.setAttribute('aria-expanded', 'true');
    highlight(Math.min(Math.max(active, 0), options.length - 1));
  }

  function pick(index) {
    const name = options[index];
    if (!name || !typed) return close();
    const inserted = `${name.startsWith('@') ? name : `@${name}`} `;
    field.value = field.value.slice(0, typed.start) + inserted + field.value.slice(typed.end);
    const caret = typed.start + inserted.length;
    field.setSelectionRange(caret, caret);
    close();
    field.focus();
  }

  field.addEventListener('input', update);
  field.addEventListener('click', update);
  field.addEventListener('blur', close);

  function handle(event) {
    if (listbox.hidden || event.isComposing) return false;
    switch (event.key) {
      case 'ArrowDown': highlight(active + 1); break;
      case 'ArrowUp': highlight(active - 1); break;
      case 'Enter': case 'Tab': pick(active); break;
      case 'Escape': close(); break;
      default: return false;
    }
    event.preventDefault();
    return true;
  }

  return { listbox, handle, close };
}
