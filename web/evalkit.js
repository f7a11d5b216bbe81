// Pieces the evaluation pages share: the tabs of 评价与名单, tier and result badges, value formats.
import { t, pick } from './i18n.js';
import { h, fmtNum, isNum } from './util.js';

// The two tabs of the evaluation area: the model run and the lists.
export function evalTabs(active) {
  return h('div', { class: 'tabs', testid: 'eval-tabs', role: 'tablist' },
    [['run', '#/eval', 'eval.tab.run'], ['lists', '#/lists', 'eval.tab.lists']].map(([id, href, key]) => h('a', {
      class: 'tab' + (id === active ? ' active' : ''), href, role: 'tab', testid: 'tab-' + id,
      'aria-selected': id === active ? 'true' : 'false',
    }, t(key))));
}

// A tier id → its name in the model (falls back to the id).
export function tierName(model, tier) {
  if (!tier) return t('common.none');
  const x = model && (model.tiers || []).find((tr) => tr.id === tier);
  return x ? pick(x.name_zh, x.name_en) : tier;
}

export function tierBadge(model, tier) {
  return h('span', { class: 'badge badge-tier', dataset: { tier: tier || '' }, testid: 'tier-badge' }, tierName(model, tier));
}

export function nearBadge() {
  return h('span', { class: 'badge badge-near', testid: 'near-badge', title: t('eval.near_hint') }, t('eval.near'));
}

// pass / fail / unknown → a badge (unknown reads 缺数据 / no data).
export function resultBadge(result) {
  const r = ['pass', 'fail', 'unknown'].includes(result) ? result : 'unknown';
  return h('span', { class: 'badge badge-res badge-res-' + r, dataset: { result: r }, testid: 'result-badge' }, t('crit.result.' + r));
}

// An indicator or clause value: small numbers with four decimals, large ones with two.
export function fmtVal(v) {
  if (!isNum(v)) return t('common.unknown');
  return fmtNum(v, Math.abs(v) >= 100 ? 2 : 4);
}
