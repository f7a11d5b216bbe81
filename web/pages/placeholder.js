// Areas not built yet: say so plainly, and what the area will do.
import { t, pick } from '../i18n.js';
import { api, itemsOf } from '../api.js';
import { h, fmtInt } from '../util.js';

export async function render({ main, area, alive }) {
  main.appendChild(h('section', { class: 'panel notbuilt', testid: 'not-built', dataset: { area } },
    h('div', { class: 'notbuilt-icon', 'aria-hidden': 'true' }, '!'),
    h('h2', null, t('ph.' + area + '.title')),
    h('p', { testid: 'not-built-text' }, h('strong', null, t('ph.not_built'))),
    h('p', null, t('ph.will_do')),
    h('p', { testid: 'not-built-what' }, t('ph.' + area + '.what'))));

  // The chain catalogue already exists: show it under the chains placeholder.
  if (area === 'chains') {
    let chains;
    try { chains = itemsOf(await api('/chains')); } catch (_) { return; }
    if (!alive() || !chains.length) return;
    main.appendChild(h('section', { class: 'panel' },
      h('h2', null, t('ph.chains.catalogue')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'data', testid: 'chains-table' },
        h('thead', null, h('tr', null,
          h('th', null, 'ID'), h('th', null, t('prof.chain')), h('th', null, t('adm.status')),
          h('th', { class: 'num' }, t('ph.chains.nodes')))),
        h('tbody', null, chains.map((c) => h('tr', null,
          h('td', { class: 'mono' }, c.id),
          h('td', null, pick(c.name_zh, c.name_en)),
          h('td', null, h('span', { class: 'badge' + (c.status === 'confirmed' ? ' badge-on' : '') },
            t('ph.chains.status.' + c.status) !== 'ph.chains.status.' + c.status ? t('ph.chains.status.' + c.status) : c.status)),
          h('td', { class: 'num' }, fmtInt(c.nnodes)))))))));
  }
}
