// Enterprise search: filters, sort by any metric, paged results, CSV/XLSX export.
import { t, pick, isZh } from '../i18n.js';
import { api, apiUrl, errorText } from '../api.js';
import { h, clear, fmtNum, fmtMoney, fmtPct, fmtMetric, hashWith, errorPanel, isNum } from '../util.js';
import * as ref from '../ref.js';
import { table, pager, cursorTrail } from '../table.js';
import { allPages } from '../export.js';
import { can, EDIT } from '../routes.js';

const FILTERS = ['q', 'region', 'industry', 'chain', 'cert', 'listed', 'sort', 'order', 'limit'];
const LIMITS = ['20', '50', '100', '200'];

export async function render({ main, query, user, alive }) {
  const f = {};
  for (const k of FILTERS) f[k] = query[k] || '';
  const page = Math.max(1, parseInt(query.page || '1', 10) || 1);
  const cursor = query.cursor || '';

  // Reference lists; a failure of one leaves its select with "all" only.
  const [chains, metrics, regionGroups] = await Promise.all([
    ref.chains().catch(() => []), ref.metrics().catch(() => []), ref.regionGroups().catch(() => []),
  ]);
  if (!alive()) return;

  const metricById = new Map(metrics.map((m) => [m.id, m]));
  const input = (id, attrs) => h('input', { id: 'search-' + id, name: id, testid: 'search-' + id, value: f[id], ...attrs });
  const select = (id, options) => {
    const s = h('select', { id: 'search-' + id, name: id, testid: 'search-' + id }, options);
    s.value = f[id];
    if (s.value !== f[id]) s.value = '';
    return s;
  };
  const opt = (value, label) => h('option', { value }, label);

  const els = {
    q: input('q', { type: 'search', placeholder: t('ent.q_ph'), autocomplete: 'off' }),
    region: select('region', [opt('', t('common.all')),
      regionGroups.map((g) => h('optgroup', { label: t(g.label) },
        opt(String(g.code), t(g.label)),
        g.items.map((r) => opt(String(r.code), pick(r.name, r.name_en)))))]),
    industry: input('industry', { type: 'text', placeholder: t('ent.industry_ph'), autocomplete: 'off', maxlength: 5 }),
    chain: select('chain', [opt('', t('common.all')), chains.map((c) => opt(c.id, pick(c.name_zh, c.name_en)))]),
    cert: select('cert', [opt('', t('common.any')), ref.CERTS.map((c) => opt(c, t('cert.' + c)))]),
    listed: select('listed', [opt('', t('common.any')), ref.LISTED.map((c) => opt(c, t('listed.' + c)))]),
    sort: select('sort', [opt('', t('ent.sort_default')), opt('name', t('ent.sort_name')), opt('uscc', t('ent.sort_uscc')),
      metrics.map((m) => opt(m.id, pick(m.name_zh, m.name_en)))]),
    order: select('order', [opt('', t('ent.order_auto')), opt('desc', t('ent.order_desc')), opt('asc', t('ent.order_asc'))]),
    limit: select('limit', LIMITS.map((n) => opt(n === '50' ? '' : n, n))),
  };

  const field = (key, label, el, wide) => h('div', { class: 'field' + (wide ? ' field-wide' : '') },
    h('label', { for: el.id }, t(label)), el);

  const form = h('form', { class: 'panel', testid: 'search-form', role: 'search' },
    h('div', { class: 'form-grid' },
      field('q', 'ent.q', els.q, true),
      field('region', 'ent.region', els.region),
      field('industry', 'ent.industry', els.industry),
      field('chain', 'ent.chain', els.chain),
      field('cert', 'ent.cert', els.cert),
      field('listed', 'ent.listed', els.listed),
      field('sort', 'ent.sort', els.sort),
      field('order', 'ent.order', els.order),
      field('limit', 'ent.limit', els.limit)),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', testid: 'search-submit' }, t('common.search')),
      h('button', { type: 'button', class: 'btn', testid: 'search-reset', onclick: () => { location.hash = '#/enterprises'; } }, t('common.reset')),
      h('span', { class: 'spacer' }),
      can(user, EDIT) ? exportLinks() : null));

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = {};
    for (const k of FILTERS) q[k] = els[k].value.trim();
    const next = hashWith('/enterprises', q);
    if (next === location.hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = next;
  });

  const results = h('section', { class: 'panel', testid: 'results' }, h('div', { class: 'muted' }, t('common.loading')));
  main.append(form, results);

  // The search.
  const q = {};
  for (const k of FILTERS) if (f[k]) q[k] = f[k];
  if (!q.limit) q.limit = '50';
  if (q.industry) q.industry = q.industry.toUpperCase();
  if (q.sort && !q.order) q.order = (q.sort === 'name' || q.sort === 'uscc') ? 'asc' : 'desc';
  if (cursor) q.cursor = cursor;
  let data;
  try {
    data = await api('/enterprises', { query: q });
  } catch (e) {
    if (!alive()) return;
    clear(results).appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;

  const prevCursor = cursorTrail('enterprises\u0001' + FILTERS.map((k) => f[k]).join('\u0001'), page, cursor);

  const items = data.items || [];
  const sortMetric = f.sort && !['name', 'uscc', 'revenue', 'revenue_yoy', 'rd_intensity'].includes(f.sort) ? metricById.get(f.sort) : null;
  const year = items.find((it) => it.year) ? items.find((it) => it.year).year : null;
  const chainName = new Map(chains.map((c) => [c.id, pick(c.name_zh, c.name_en)]));

  // The column of the metric the list is sorted by comes right after the name, so it is in view
  // whatever the width (at the end of eleven columns it was cut off at 1440 px).
  const inView = (cols) => {
    const k = f.sort && f.sort !== 'name' && f.sort !== 'uscc' ? cols.findIndex((c) => c && c.key === f.sort) : -1;
    if (k < 1) return cols;
    const c = { ...cols[k], thClass: ((cols[k].thClass || '') + ' col-sorted').trim(), class: cols[k].class };
    return [cols[0], c, ...cols.slice(1, k), ...cols.slice(k + 1)];
  };

  // PATCH: a new address from the filters as shown (a new sort or page; a new sort starts over).
  const go = (patch) => {
    const qq = {};
    for (const k of FILTERS) qq[k] = f[k];
    location.hash = hashWith('/enterprises', { ...qq, ...patch });
  };
  // The register sorts on the server: a header click asks for page 1 in that order.
  const list = table(items, {
    testid: 'results-table', id: 'results-table', empty: t('common.empty'), emptyTestid: 'results-empty',
    // every row of the search, not just this page, in the order of the search (web/export.js)
    export: {
      name: t('nav.enterprises'), testid: 'results-export',
      filters: () => ['q', 'region', 'industry', 'chain', 'cert', 'listed', 'sort', 'order'].map((k) => [t('ent.' + k),
        f[k] ? (els[k].tagName === 'SELECT' ? els[k].selectedOptions[0]?.textContent || f[k] : f[k]) : '']),
      rows: () => allPages((cursor, limit) => api('/enterprises', { query: { ...q, cursor, limit } })),
    },
    row: (it) => ({ dataset: { uscc: it.uscc } }),
    sort: f.sort ? { key: f.sort, order: f.order || ((f.sort === 'name' || f.sort === 'uscc') ? 'asc' : 'desc') } : null,
    serverSort: true,
    onSort: (key, order) => go({ sort: key, order, cursor: '', page: '' }),
    columns: inView([
      { key: 'name', label: t('ent.col.name'), sort: true, class: 'col-name',
        render: (it) => h('a', { href: '#/enterprise/' + encodeURIComponent(it.uscc), testid: 'result-link' }, it.name) },
      { key: 'uscc', label: t('ent.col.uscc'), sort: true, class: 'mono nowrap' },
      { key: 'region', label: t('ent.col.region'), class: 'col-region', render: (it) => it.region_name || String(it.region ?? '') },
      { key: 'industry', label: t('ent.col.industry'), class: 'col-industry', attrs: (it) => ({ title: pick(it.industry_name, it.industry_name_en) || '' }),
        render: (it) => [h('span', { class: 'mono' }, it.industry || ''),
          pick(it.industry_name, it.industry_name_en) ? h('div', { class: 'muted small ellipsis' }, pick(it.industry_name, it.industry_name_en)) : null] },
      { key: 'scale', label: t('ent.col.scale'), class: 'nowrap',
        render: (it) => [it.scale ? t('scale.' + it.scale) : '',
          it.listed && it.listed !== 'none' ? h('div', null, h('span', { class: 'badge' }, t('listed.' + it.listed))) : null] },
      { key: 'certs', label: t('ent.col.certs'), render: (it) => certList(it.certs).map((c) => h('span', { class: 'badge badge-cert' }, t('cert.' + c))) },
      { key: 'chains', label: t('ent.col.chains'),
        render: (it) => uniqueChains(it.chains).map((m) => h('span', { class: 'badge badge-chain' + (m.role === 'master' ? ' badge-master' : ''), title: m.node_name || m.node || '' },
          (chainName.get(m.chain) || m.chain) + (m.role === 'master' ? ' · ' + t('chainrole.master') : ''))) },
      { key: 'revenue', label: year ? h('span', null, t('ent.col.revenue_amt'), h('div', { class: 'muted small' }, String(year))) : t('ent.col.revenue_amt'),
        exportLabel: t('ent.col.revenue_amt') + (year ? ' ' + year : ''),
        align: 'num', sort: true, class: 'nowrap', render: (it) => fmtMoney(it.revenue) },
      { key: 'revenue_yoy', label: t('ent.col.yoy'), align: 'num', sort: true,
        class: (it) => (isNum(it.revenue_yoy) ? (it.revenue_yoy < 0 ? 'neg' : 'pos') : ''), render: (it) => fmtPct(it.revenue_yoy) },
      { key: 'rd_intensity', label: t('ent.col.rd'), align: 'num', sort: true, render: (it) => fmtPct(it.rd_intensity) },
      sortMetric ? { key: sortMetric.id, label: pick(sortMetric.name_zh, sortMetric.name_en), align: 'num', sort: true, class: 'nowrap',
        testid: 'sort-col', render: (it) => fmtMetric(sortMetric, it.sort_value) } : null,
    ]),
  });

  clear(results).append(
    h('div', { class: 'panel-head' },
      h('h2', { testid: 'results-total' }, isNum(data.total) ? t('ent.total', { n: fmtNum(data.total, 0) }) : ''),
      h('span', { class: 'muted', testid: 'results-page' }, t('common.page', { n: page }))),
    list,
    pager({
      page, ids: { prev: 'prev-page', next: 'next-page', page: 'results-pager-total' },
      info: isNum(data.total) ? t('common.total', { n: fmtNum(data.total, 0) }) : '',
      prev: page > 1 ? () => go({ cursor: prevCursor(page - 1), page: page > 2 ? String(page - 1) : '' }) : null,
      next: data.next_cursor ? () => go({ cursor: data.next_cursor, page: String(page + 1) }) : null,
    }));
}

// One badge per chain (an enterprise may sit on several nodes of one chain); master wins.
function uniqueChains(list) {
  const by = new Map();
  for (const m of list || []) {
    const seen = by.get(m.chain);
    if (!seen || m.role === 'master') by.set(m.chain, m);
  }
  return [...by.values()];
}

function certList(certs) {
  if (Array.isArray(certs)) return certs;
  if (typeof certs === 'string' && certs) return certs.split(/[;,]/).filter(Boolean);
  return [];
}

// The whole enterprise register as the interchange file (the export takes no search filters).
function exportLinks() {
  const q = { format: 'csv' };
  if (isZh()) q.zh = '1';
  return h('span', { class: 'export', title: t('ent.export_hint') },
    h('a', { class: 'btn', testid: 'export-csv', href: apiUrl('/exports/enterprises', q), download: '' }, t('ent.export_csv')),
    ' ',
    h('a', { class: 'btn', testid: 'export-xlsx', href: apiUrl('/exports/enterprises', { ...q, format: 'xlsx' }), download: '' }, t('ent.export_xlsx')));
}
