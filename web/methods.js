// The method notes (方法说明 / About the methods): a folded panel that explains, in plain words,
// each method a page uses — what it computes, how to read it, and its source — so that the page
// itself can use plain names (关键依赖, 可支撑时间) instead of the methods' technical names.
// Strings in methods.strings.js; a page asks for the methods it shows: methodNotes(['dependency']).
import { t } from './i18n.js';
import { h } from './util.js';

export const METHODS = ['concentration', 'dependency', 'cutpoint', 'survive', 'shortage', 'ranking', 'weights'];

// A <details> panel explaining the methods IDS (ids of METHODS), closed until opened.
export function methodNotes(ids, testid = 'method-notes') {
  return h('details', { class: 'panel method-notes', testid },
    h('summary', null, t('method.title')),
    ids.filter((id) => METHODS.includes(id)).map((id) => h('section', { class: 'method', dataset: { method: id } },
      h('h3', null, t('method.' + id + '.name')),
      h('dl', { class: 'kv' },
        ['what', 'read', 'source'].map((k) => [h('dt', null, t('method.' + k)),
          h('dd', { testid: 'method-' + k }, t('method.' + id + '.' + k))])))));
}
