// All chains on one screen (GET /api/v1/chains/compare): a bubble chart of completeness against
// local supply coverage (size = output value, colour = growth) and a sortable table; a row or a
// bubble opens the chain. A chief sees only their own chains (the API filters).
import { t, pick } from '../i18n.js';
import { api, errorText } from '../api.js';
import { h, clear, fmtNum, fmtInt, fmtMoney, fmtPct, chart, hashWith, errorPanel, isNum, escapeHtml } from '../util.js';
import { scopeSelector, classCounts, growthColumn, signedPct, unit } from '../chainkit.js';
import { table } from '../table.js';
import { asOfLine } from '../asof.js';

export async function render({ main, query, alive }) {
  const scope = query.scope || '';
  const year = query.year || '';
  const SORTS = ['name', 'nodes', 'enterprises', 'output', 'yoy', 'completeness', 'local_coverage', 'output_hhi', 'gaps'];
  const sort = SORTS.includes(query.sort) ? query.sort : 'output';
  const order = query.order === 'asc' || query.order === 'desc' ? query.order : (sort === 'name' ? 'asc' : 'desc');

  main.appendChild(h('div', { class: 'muted', testid: 'loading' }, t('common.loading')));
  let d;
  try {
    d = await api('/chains/compare', { query: { scope, year } });
  } catch (e) {
    if (!alive()) return;
    clear(main).append(
      scopeSelector(scope, null, (s) => { location.hash = hashWith('/chains', { scope: s, year }); }),
      errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  clear(main);
  const items = d.items || [];
  const go = (id) => { location.hash = hashWith('/chain/' + encodeURIComponent(id), { scope, year }); };

  main.appendChild(h('section', { class: 'panel panel-tight' },
    scopeSelector(scope, d.scope, (s) => { location.hash = hashWith('/chains', { scope: s, year, sort: query.sort, order: query.order }); })));

  // Totals over the chains shown (a firm on two chains counts twice).
  const sum = (k) => items.reduce((a, it) => a + (isNum(it[k]) ? it[k] : 0), 0);
  const avg = (k) => { const v = items.filter((it) => isNum(it[k])); return v.length ? v.reduce((a, it) => a + it[k], 0) / v.length : NaN; };
  main.appendChild(h('div', { class: 'cards', testid: 'compare-cards' },
    card('chain.card.chains', fmtInt(items.length)),
    card('chain.card.gaps', fmtInt(sum('weak') + sum('missing')), t('chain.card.gaps_sub', { weak: fmtInt(sum('weak')), missing: fmtInt(sum('missing')) })),
    card('chain.card.avg_completeness', fmtPct(avg('completeness'))),
    card('chain.card.avg_coverage', fmtPct(avg('local_coverage'))),
    card('chain.card.avg_yoy', signedPct(avg('yoy')))));
  main.appendChild(asOfLine(d.as_of)); // 数据截至 (web/asof.js)

  // The chart.
  const elChart = h('div', { class: 'chart chart-tall', testid: 'compare-chart', id: 'compare-chart' });
  main.appendChild(h('section', { class: 'panel' },
    h('div', { class: 'panel-head' },
      h('h2', null, t('chain.compare_chart')),
      h('span', { class: 'muted small' }, t('chain.compare_chart_hint'))),
    elChart));
  const c = chart(elChart, bubbleOption(items), { empty: t('chain.empty.compare') });
  if (c) c.on('click', (p) => { if (p.data && p.data.id) go(p.data.id); });

  // The table: sorted here, the order kept in the address (no navigation) so a reload keeps it.
  main.appendChild(h('section', { class: 'panel' },
    h('div', { class: 'panel-head' },
      h('h2', { testid: 'compare-total' }, t('chain.compare_table', { n: fmtInt(items.length) })),
      h('a', { class: 'btn btn-sm', testid: 'brief-all-link', href: hashWith('/brief', { chain: 'all', scope }) }, t('brief.link_all')),
      h('span', { class: 'muted small' }, t('chain.compare_table_hint'))),
    table(items, {
      testid: 'compare-table', id: 'compare-table',
      export: { name: t('chain.compare_title'), filters: () => [[t('chain.scope'), d.scope ? pick(d.scope.name_zh, d.scope.name_en) : scope], [t('common.year'), d.scope ? d.scope.year : year]] },
      row: (it) => ({ dataset: { chain: it.id }, testid: 'compare-row' }),
      open: (it) => go(it.id),
      sort: { key: sort, order },
      onSort: (key, ord) => { history.replaceState(null, '', hashWith('/chains', { scope, year, sort: key, order: ord })); },
      columns: [
        { key: 'name', label: t('chain.col.chain'), sort: (it) => pick(it.name_zh, it.name_en), class: 'col-name',
          render: (it) => [h('a', { href: hashWith('/chain/' + encodeURIComponent(it.id), { scope, year }), testid: 'chain-link' }, pick(it.name_zh, it.name_en)),
            it.status === 'working' ? h('span', { class: 'badge badge-working', title: t('chain.status_hint.working') }, t('chain.status.working')) : null] },
        { key: 'nodes', label: t('chain.col.nodes'), align: 'num', sort: true, render: (it) => fmtInt(it.nodes) },
        { key: 'enterprises', label: t('chain.col.enterprises'), align: 'num', sort: true, render: (it) => fmtInt(it.enterprises) },
        { key: 'output', label: t('chain.col.output'), class: 'nowrap', align: 'num', sort: true, render: (it) => fmtMoney(it.output) },
        growthColumn('yoy', t('chain.col.yoy'), { sort: true }),
        { key: 'completeness', label: t('chain.col.completeness'), align: 'num', sort: true, render: (it) => meter(it.completeness) },
        { key: 'local_coverage', label: t('chain.col.local_coverage'), align: 'num', sort: true, render: (it) => meter(it.local_coverage) },
        { key: 'output_hhi', label: t('chain.col.output_hhi'), title: t('chain.hhi_hint'), align: 'num', sort: true,
          render: (it) => (isNum(it.output_hhi) ? fmtNum(it.output_hhi, 0) : t('common.unknown')) },
        { key: 'gaps', label: t('chain.col.classes'), title: t('chain.classes_hint'), align: 'num',
          sort: (it) => (it.weak || 0) + (it.missing || 0), render: (it) => classCounts(it) },
      ],
    })));
}

function card(label, value, sub) {
  return h('div', { class: 'card' },
    h('div', { class: 'card-label' }, t(label)),
    h('div', { class: 'card-value' }, value),
    sub ? h('div', { class: 'card-sub muted small' }, sub) : null);
}

// A ratio as "86.4%" with a thin bar under it.
function meter(v) {
  if (!isNum(v)) return t('common.unknown');
  return h('span', { class: 'meter' },
    fmtPct(v),
    h('span', { class: 'meter-bar', 'aria-hidden': 'true' }, h('span', { style: { width: Math.max(0, Math.min(100, v * 100)) + '%' } })));
}

function bubbleOption(items) {
  const maxOut = Math.max(1, ...items.map((it) => (isNum(it.output) ? it.output : 0)));
  const yoys = items.map((it) => it.yoy).filter(isNum);
  const lo = Math.min(-0.05, ...yoys), hi = Math.max(0.1, ...yoys);
  const data = items.map((it) => ({
    id: it.id,
    name: pick(it.name_zh, it.name_en),
    value: [num(it.completeness), num(it.local_coverage), num(it.output), num(it.yoy), it.enterprises, it.weak + it.missing],
    symbolSize: 10 + 46 * Math.sqrt((isNum(it.output) ? it.output : 0) / maxOut),
  }));
  const floor = (vals) => Math.max(0, Math.floor((Math.min(...vals.filter(isNum), 1) - 0.05) * 10) / 10);
  const xMin = floor(items.map((it) => it.completeness)), yMin = floor(items.map((it) => it.local_coverage));
  const step = (lo) => (1 - lo > 0.5 ? 0.1 : 0.05);
  const avg = (k) => { const v = items.map((it) => it[k]).filter(isNum); return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null; };
  const pct = (v) => fmtNum(v * 100, 0) + '%';
  return {
    grid: { left: 24, right: 110, top: 30, bottom: 34, containLabel: true },
    tooltip: {
      trigger: 'item', confine: true,
      formatter: (p) => {
        const v = p.value;
        return `<b>${escapeHtml(p.name)}</b><br>`
          + `${t('chain.col.completeness')}: <b>${fmtPct(v[0])}</b><br>`
          + `${t('chain.col.local_coverage')}: <b>${fmtPct(v[1])}</b><br>`
          + `${t('chain.col.output')}: <b>${fmtMoney(v[2])}</b><br>`
          + `${t('chain.col.yoy')}: <b>${signedPct(v[3])}</b><br>`
          + `${t('chain.col.enterprises')}: <b>${fmtInt(v[4])}</b><br>`
          + `${t('chain.card.gaps')}: <b>${fmtInt(v[5])}</b>`;
      },
    },
    xAxis: {
      type: 'value', name: t('chain.col.completeness'), nameLocation: 'middle', nameGap: 28,
      min: xMin, max: 1, interval: step(xMin), axisLabel: { formatter: pct }, splitLine: { lineStyle: { type: 'dashed', color: '#e8ebf1' } },
    },
    yAxis: {
      type: 'value', name: t('chain.col.local_coverage'), nameLocation: 'middle', nameGap: 44,
      min: yMin, max: 1, interval: step(yMin), axisLabel: { formatter: pct }, splitLine: { lineStyle: { type: 'dashed', color: '#e8ebf1' } },
    },
    visualMap: {
      type: 'continuous', dimension: 3, min: lo, max: hi, calculable: false, right: 0, top: 'middle',
      itemHeight: 160, itemWidth: 12, precision: 3, text: [t('chain.growth_high'), t('chain.growth_low')],
      formatter: (v) => signedPct(v), textStyle: { fontSize: 11, color: '#667085' },
      inRange: { color: ['#c94a4a', '#e7b75a', '#9cc88a', '#2e9e6a'] },
    },
    series: [{
      type: 'scatter', data,
      itemStyle: { opacity: 0.82, borderColor: '#fff', borderWidth: 1 },
      emphasis: { focus: 'self', itemStyle: { opacity: 1, borderColor: '#1d2433' }, label: { show: true, fontWeight: 600 } },
      label: { show: true, position: 'right', formatter: (p) => p.name, fontSize: 11, color: '#344054' },
      labelLayout: { hideOverlap: true },
      markLine: {
        silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#98a2b3' },
        label: { formatter: () => t('chain.avg'), color: '#667085', fontSize: 11 },
        data: [avg('completeness') !== null ? { xAxis: avg('completeness') } : null, avg('local_coverage') !== null ? { yAxis: avg('local_coverage') } : null].filter(Boolean),
      },
    }],
  };
}

function num(v) { return isNum(v) ? v : null; }
