// Pieces the chain pages share: the scope selector, link classes and their colours, badges,
// and the client-side CSV of investment targets.
import { t, pick, isZh } from './i18n.js';
import { h, fmtNum, fmtPct, isNum, signedPct as fmtSigned } from './util.js';
import * as ref from './ref.js';

export const SCOPES = ['chongqing', 'chengdu', 'both'];
export const CLASSES = ['strong', 'adequate', 'weak', 'missing'];
export const STAGES = ['upstream', 'midstream', 'downstream'];

// The link colours: strong green, adequate blue-grey, weak orange, missing red.
export const CLASS_COLOR = { strong: '#2e9e6a', adequate: '#6f8fbf', weak: '#e8912d', missing: '#d64545' };

export function className(cls) { return CLASSES.includes(cls) ? t('chain.class.' + cls) : (cls || t('common.unknown')); }
export function stageName(stage) { return STAGES.includes(stage) ? t('chain.stage.' + stage) : (stage || ''); }
export function kindName(kind) { return kind === 'supplier' || kind === 'maker' ? t('chain.kind.' + kind) : (kind || ''); }

export function classBadge(cls, text) {
  return h('span', { class: 'badge badge-cls badge-' + cls, dataset: { cls } }, text ?? className(cls));
}

// Four small badges: strong / adequate / weak / missing counts of a chain summary.
export function classCounts(s) {
  return h('span', { class: 'cls-counts' }, CLASSES.map((c) => h('span', {
    class: 'badge badge-cls badge-' + c + (s[c] ? '' : ' badge-zero'),
    title: className(c) + ' ' + fmtNum(s[c] || 0, 0), testid: 'count-' + c,
  }, fmtNum(s[c] || 0, 0))));
}

// The legend of the link colours.
export function classLegend() {
  return h('div', { class: 'cls-legend', testid: 'class-legend' }, CLASSES.map((c) => h('span', { class: 'cls-legend-item' },
    h('span', { class: 'cls-dot', style: { background: CLASS_COLOR[c] } }), className(c),
    h('span', { class: 'muted small' }, ' · ' + t('chain.class_hint.' + c)))));
}

// A table column (table.js) of a signed percentage, coloured: +4.1% green, −3.0% red.
export function growthColumn(key, label, extra = {}) {
  return {
    key, label, align: 'num', render: (r) => signedPct(r[key]),
    class: (r) => (isNum(r[key]) ? (r[key] < 0 ? 'neg' : 'pos') : ''), ...extra,
  };
}

export function signedPct(v) { return fmtSigned(v); }

/*
 * The scope selector: the three named scopes as a segmented control, and a select of the
 * districts of Chongqing and the cities of Sichuan for a single region. CURRENT is the scope as in
 * the hash ('' = default), INFO the scope the API answered with; ONCHANGE(scope) navigates.
 */
export function scopeSelector(current, info, onChange) {
  const cur = current || 'chongqing';
  const buttons = SCOPES.map((s) => h('button', {
    type: 'button', class: 'seg-btn' + (s === cur ? ' active' : ''), testid: 'scope-' + s,
    'aria-pressed': s === cur ? 'true' : 'false', onclick: () => { if (s !== cur) onChange(s); },
  }, t('chain.scope.' + s)));

  const select = h('select', { id: 'scope-region', testid: 'scope-region', 'aria-label': t('chain.scope.region') },
    h('option', { value: '' }, t('chain.scope.region_ph')));
  const custom = !SCOPES.includes(cur);
  if (custom) select.appendChild(h('option', { value: cur }, info ? pick(info.name_zh, info.name_en) : cur));
  select.value = custom ? cur : '';
  select.addEventListener('change', () => { if (select.value) onChange(select.value); });
  // The region lists arrive later; the select works (custom scope kept) until then.
  ref.regionGroups().then((groups) => {
    for (const g of groups) {
      select.appendChild(h('optgroup', { label: t(g.label) },
        g.items.filter((r) => String(r.code) !== cur).map((r) => h('option', { value: String(r.code) }, pick(r.name, r.name_en)))));
    }
    select.value = custom ? cur : '';
  }).catch(() => { /* the named scopes still work */ });

  return h('div', { class: 'scope-bar', testid: 'scope-bar' },
    h('span', { class: 'scope-label' }, t('chain.scope')),
    h('div', { class: 'seg', role: 'group', 'aria-label': t('chain.scope') }, buttons),
    h('div', { class: 'scope-region' }, select),
    info ? h('span', { class: 'muted small', testid: 'scope-name' },
      t('chain.scope_year', { scope: pick(info.name_zh, info.name_en), year: info.year })) : null);
}

/* ---------- CSV of targets ---------- */

// A text a spreadsheet would run as a formula gets a quote in front (as the server's CSV cells,
// cc_buf_csv_cell); a number we format ("-7.2") is written as it is.
function csvCell(v) {
  let s = v === undefined || v === null ? '' : String(v);
  if (/^['\s]*[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

// ITEMS as from /chains/{chain}/targets → CSV text (BOM, CRLF), headers in the current language.
export function targetsCsv(items) {
  const head = ['chain.csv.node', 'chain.csv.class', 'chain.col.rank', 'ent.col.uscc', 'ent.col.name', 'chain.col.region',
    'chain.col.kind', 'chain.col.score', 'chain.col.value_to_local', 'chain.col.local_buyers', 'ent.col.revenue',
    'ent.col.yoy', 'chain.col.certs', 'chain.col.reason'].map((k) => t(k));
  const lines = [head.map(csvCell).join(',')];
  for (const it of items) {
    for (const x of it.targets || []) {
      lines.push([
        pick(it.name_zh, it.name_en || it.node) + ' (' + it.node + ')', className(it.class), x.rank, x.uscc, x.name || '',
        x.region_name || x.region, kindName(x.kind), isNum(x.score) ? x.score.toFixed(3) : '',
        isNum(x.value_to_local) ? x.value_to_local.toFixed(2) : '', x.local_buyers ?? '',
        isNum(x.revenue) ? x.revenue.toFixed(2) : '', isNum(x.yoy) ? x.yoy.toFixed(4) : '', x.cert_count ?? '',
        pick(x.reason_zh, x.reason_en),
      ].map(csvCell).join(','));
    }
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

// Saves TEXT as a file named NAME (a link to a blob, clicked).
export function downloadText(name, text, type = 'text/csv;charset=utf-8') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, style: { display: 'none' } });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 2000);
}

// The unit suffix of a column header: "（万元）" / " (10k CNY)".
export function unit(u) { return isZh() ? '（' + u + '）' : ' (' + u + ')'; }
