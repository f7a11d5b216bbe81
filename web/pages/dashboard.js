// Home dashboard: counts, and charts by region, by chain and over time (GET /api/v1/dashboard),
// all for one scope: the chain pages' scope parameter and selector, the platform's home region by
// default, so a chain's firms and output here are the chain page's (the server counts both with
// one function).
import { t, pick } from '../i18n.js';
import { api, errorText } from '../api.js';
import { h, clear, fmtInt, chart, axisNum, money, moneyAxis, axisTooltip, isNum, hashWith, errorPanel } from '../util.js';
import { scopeSelector } from '../chainkit.js';
import { districtMap } from '../map.js';
import { asOfLine } from '../asof.js';

const COUNTS = ['enterprises', 'masters', 'supply_edges', 'postings'];

export async function render({ main, query, alive }) {
  const scope = (query && query.scope) || '';
  const year = (query && query.year) || '';
  const go = (s) => { location.hash = hashWith('/', { scope: s, year }); };
  main.appendChild(h('div', { class: 'muted', testid: 'loading' }, t('common.loading')));
  let d;
  try {
    d = await api('/dashboard', { query: { scope, year } });
  } catch (e) {
    if (!alive()) return;
    clear(main).append(scopeSelector(scope, null, go),
      errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  main.textContent = '';

  // Every number below is for this scope; the selector says which.
  main.appendChild(h('section', { class: 'panel panel-tight', testid: 'dashboard-scope' }, scopeSelector(scope, d.scope, go)));
  const counts = d.counts || {};
  const where = d.scope ? pick(d.scope.name_zh, d.scope.name_en) : '';
  main.appendChild(h('div', { class: 'cards', testid: 'dashboard-counts' },
    COUNTS.filter((k) => k in counts).map((k) => h('div', { class: 'card', testid: 'count-' + k },
      h('div', { class: 'card-label' }, t('dash.count.' + k)),
      h('div', { class: 'card-value' }, fmtInt(counts[k]),
        k === 'enterprises' || k === 'masters' ? h('span', { class: 'card-unit' }, t('dash.unit.count')) : null)))));
  if (d.year) {
    main.appendChild(h('p', { class: 'muted small', testid: 'dashboard-year' },
      t('dash.scope_note', { scope: where, year: d.year, registered: fmtInt(counts.registered) })));
  }
  main.appendChild(asOfLine(d.as_of)); // 数据截至 (web/asof.js)

  // The district map: a click makes the district (or city) the scope of the whole page.
  main.appendChild(districtMap({ scope, year, onPick: (code) => go(String(code)) }));

  const elRegion = h('div', { class: 'chart chart-tall', testid: 'chart-region' });
  const elChain = h('div', { class: 'chart chart-tall', testid: 'chart-chain' });
  const elGrowth = h('div', { class: 'chart', testid: 'chart-growth' });
  main.appendChild(h('section', { class: 'panel' }, h('h2', null, t('dash.by_region')), elRegion));
  main.appendChild(h('section', { class: 'panel' }, h('h2', null, t('dash.by_chain')), elChain));
  main.appendChild(h('section', { class: 'panel' }, h('h2', null, t('dash.growth')), elGrowth));

  const regions = (d.by_region || []).slice().sort((a, b) => (b.enterprises || 0) - (a.enterprises || 0));
  // Code 0: the firms registered with a province code only, in no district (GET /api/v1/areas' unplaced).
  chart(elRegion, twoBars(regions.map((r) => (r.code ? pick(r.name, r.name_en) || String(r.code) : t('map.no_area'))), regions), { empty: t('dash.empty.scope') });

  const chains = (d.by_chain || []).slice().sort((a, b) => (b.enterprises || 0) - (a.enterprises || 0));
  chart(elChain, twoBars(chains.map((c) => pick(c.name_zh, c.name_en) || c.id), chains), { empty: t('dash.empty.scope') });
  // The same figures as a table with links: a chain's row opens its page in the same scope.
  elChain.after(h('p', { class: 'muted small', testid: 'dashboard-chain-links' }, chains.slice(0, 12).map((c, i) => [i ? ' · ' : '',
    h('a', { href: hashWith('/chain/' + encodeURIComponent(c.id), { scope, year }), testid: 'dash-chain-' + c.id }, pick(c.name_zh, c.name_en))])));

  const growth = (d.growth || []).slice().sort((a, b) => a.year - b.year);
  chart(elGrowth, {
    tooltip: { trigger: 'axis', formatter: axisTooltip(() => money) },
    legend: { top: 0 },
    grid: { left: 16, right: 48, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: growth.map((g) => String(g.year)), boundaryGap: false },
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: moneyAxis } },
    series: [
      { name: t('dash.series.output'), type: 'line', smooth: 0.2, symbolSize: 7, data: growth.map((g) => num(g.output_value)), label: { show: growth.length <= 8, position: 'top', formatter: (p) => moneyAxis(p.value), fontSize: 11 } },
      { name: t('dash.series.revenue'), type: 'line', smooth: 0.2, symbolSize: 7, data: growth.map((g) => num(g.revenue)) },
    ],
  }, { empty: t('dash.empty.growth') });

  // Supply–demand (川渝互采互供): postings and deals by chain, direction and month.
  let m;
  try { m = await api('/match/stats'); } catch (_) { return; }
  if (!alive()) return;
  const tot = m.totals || {};
  const elDir = h('div', { class: 'chart', testid: 'chart-match-direction' });
  const elMatch = h('div', { class: 'chart', testid: 'chart-match' });
  main.appendChild(h('section', { class: 'panel', testid: 'dashboard-match' },
    h('div', { class: 'panel-head' }, h('h2', null, t('dash.match')), h('a', { href: '#/match?tab=stats' }, t('dash.match_more'))),
    h('p', { class: 'muted small', testid: 'dashboard-match-totals' }, t('dash.match_totals', {
      supply: fmtInt(tot.open_supply), demand: fmtInt(tot.open_demand), deals: fmtInt(tot.deals), agreed: fmtInt(tot.agreed),
    })),
    h('div', { class: 'grid-2' },
      h('div', null, h('h3', { class: 'small' }, t('dash.match_by_direction')), elDir),
      h('div', null, h('h3', { class: 'small' }, t('dash.match_by_month')), elMatch))));
  const dirs = m.by_direction || [];
  const months = m.by_month || [];
  chart(elDir, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: dirs.map((d) => pick(d.name_zh, d.name_en)), axisLabel: { interval: 0, width: 80, overflow: 'break', fontSize: 11 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('match.st.deals'), type: 'bar', data: dirs.map((d) => d.deals), barMaxWidth: 22 },
      { name: t('match.st.agreed'), type: 'bar', data: dirs.map((d) => d.agreed), barMaxWidth: 22 },
    ],
  }, { empty: t('dash.empty.direction') });
  chart(elMatch, {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: months.map((x) => x.month), boundaryGap: months.length < 2 },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('match.st.postings'), type: 'line', data: months.map((x) => x.postings) },
      { name: t('match.st.deals'), type: 'line', data: months.map((x) => x.deals) },
      { name: t('match.st.agreed'), type: 'line', data: months.map((x) => x.agreed) },
    ],
  }, { empty: t('dash.empty.month') });
}

function num(v) { return isNum(v) ? v : null; }

// Enterprises (left axis) and output value (right axis) as bars over NAMES, zoomable when long.
function twoBars(names, rows) {
  const many = names.length > 18;
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: axisTooltip((i) => (i === 1 ? money : '')) },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 44, bottom: many ? 44 : 8, containLabel: true },
    xAxis: {
      type: 'category', data: names,
      axisLabel: { interval: 0, rotate: names.length > 8 ? 40 : 0, fontSize: 11, width: 110, overflow: 'truncate' },
    },
    yAxis: [
      { type: 'value', name: t('dash.series.enterprises'), axisLabel: { formatter: axisNum } },
      { type: 'value', name: t('dash.series.output'), axisLabel: { formatter: moneyAxis }, splitLine: { show: false } },
    ],
    dataZoom: many ? [{ type: 'slider', start: 0, end: Math.min(100, Math.round(1800 / names.length)), height: 18, bottom: 6 }, { type: 'inside' }] : [],
    series: [
      { name: t('dash.series.enterprises'), type: 'bar', yAxisIndex: 0, data: rows.map((r) => num(r.enterprises)), barMaxWidth: 22 },
      { name: t('dash.series.output'), type: 'bar', yAxisIndex: 1, data: rows.map((r) => num(r.output_value)), barMaxWidth: 22 },
    ],
  };
}
