// Resilience (韧性与风险): the dashboard of every chain (outside dependence, single-sourced and
// concentrated inputs, the riskiest suppliers), one chain's single points of failure, one
// supplier's neighbourhood as a network graph with its time-to-survive, and the what-if form.
// Address: #/risk?tab=overview|chain|supplier|whatif&scope=&chain=&uscc=
import { t, isZh, pick } from '../i18n.js';
import { api, errorText, currentUser } from '../api.js';
import { h, clear, fmtNum, fmtInt, fmtPct, fmtWan, moneyAxis, axisTooltip, errorPanel, statusBox, hashWith, chart, escapeHtml, isNum } from '../util.js';
import { table } from '../table.js';
import { methodNotes } from '../methods.js';
import { enterprisePicker, nodePicker, regionPicker } from '../pickers.js';
import { asOfLine } from '../asof.js';

const TABS = ['overview', 'chain', 'supplier', 'whatif'];

const nameOf = (x) => x.name || x.uscc + (x.registered === false ? ' ' + t('risk.outside_registry') : '');
const supplierLink = (x) => h('a', { href: hashWith('/risk', { tab: 'supplier', uscc: x.uscc }), testid: 'supplier-link', dataset: { uscc: x.uscc } }, nameOf(x));
// What a risk table's filter searches: the name, credit code and region of each party named.
const findText = (...xs) => xs.filter(Boolean).map((x) => (typeof x === 'string' ? x : [x.name, x.uscc, x.region_name, x.region].filter(Boolean).join(' '))).join(' ');
const PAGE = 20;
const errBox = (e) => errorPanel(errorText(e));
// What an export of this page says it was filtered by (web/export.js).
const scopeFilter = (query) => [[t('risk.scope'), t('risk.scope.' + (query.scope || 'chongqing'))]];
const exportOf = (key, query, more = []) => ({ name: t(key), filters: () => [...scopeFilter(query), ...more] });

export async function render({ main, query, alive }) {
  const tab = TABS.includes(query.tab) ? query.tab : 'overview';
  main.appendChild(h('nav', { class: 'tabs', testid: 'risk-tabs' }, TABS.map((id) =>
    h('a', { href: hashWith('/risk', { tab: id, scope: query.scope }), class: 'tab' + (id === tab ? ' active' : ''), testid: 'tab-' + id }, t('risk.tab.' + id)))));
  const draw = { overview, chain: chainTab, supplier: supplierTab, whatif: whatIf }[tab];
  await draw(main, query, alive);
  // The methods the tab uses, explained in plain words at its end (方法说明).
  if (alive()) main.appendChild(methodNotes(METHODS_OF[tab]));
}

const METHODS_OF = {
  overview: ['concentration', 'dependency'],
  chain: ['concentration', 'dependency', 'cutpoint'],
  supplier: ['survive'],
  whatif: ['shortage'],
};

function scopePicker(query, tab) {
  const sel = h('select', { id: 'r-scope', testid: 'risk-scope', onchange: () => { location.hash = hashWith('/risk', { ...query, tab, scope: sel.value }); } },
    ['chongqing', 'chengdu', 'both'].map((s) => h('option', { value: s, selected: (query.scope || 'chongqing') === s }, t('risk.scope.' + s))));
  return h('label', { class: 'muted small' }, t('risk.scope'), ' ', sel);
}

// ---- overview ----

async function overview(main, query, alive) {
  let d, single;
  try {
    [d, single] = await Promise.all([api('/risk/overview', { query: { scope: query.scope } }), api('/risk/single-sourced', { query: { scope: query.scope, limit: 500 } })]);
  } catch (e) {
    if (alive()) main.appendChild(errBox(e));
    return;
  }
  if (!alive()) return;
  const chains = (d.chains || []).slice().sort((a, b) => (b.outside_share || 0) - (a.outside_share || 0));
  const chartEl = h('div', { class: 'chart chart-tall', testid: 'risk-outside-chart', id: 'risk-outside-chart' });
  main.append(
    h('div', { class: 'panel-head' }, h('p', { class: 'muted small' }, t('risk.overview_intro', { year: d.year || '—' })), scopePicker(query, 'overview')),
    asOfLine(d.as_of),
    h('section', { class: 'panel' }, h('h2', null, t('risk.outside_by_chain')), chartEl),
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel', testid: 'riskiest' }, h('h2', null, t('risk.riskiest')),
        h('p', { class: 'muted small' }, t('risk.riskiest_help')),
        table(d.riskiest || [], {
          testid: 'riskiest-table', row: () => ({ testid: 'riskiest-row' }), export: exportOf('risk.riskiest', query),
          pageSize: 10, pagerTestid: 'riskiest-pager', filter: { text: (x) => findText(x, x.chain_name, x.chain_name_en), testid: 'riskiest-filter' },
          columns: [
            { key: 'supplier', label: t('risk.col.supplier'), sort: (x) => nameOf(x), render: (x) => [supplierLink(x), h('div', { class: 'small muted' }, x.region_name || x.region)] },
            { key: 'chain', label: t('risk.col.chain'), sort: (x) => pick(x.chain_name, x.chain_name_en),
              render: (x) => h('a', { href: hashWith('/risk', { tab: 'chain', chain: x.chain, scope: query.scope }) }, pick(x.chain_name, x.chain_name_en)) },
            { key: 'downstream_loss', label: t('risk.col.downstream_loss'), title: t('risk.downstream_hint'), align: 'num', sort: true, render: (x) => fmtWan(x.downstream_loss) },
            { key: 'dominated', label: t('risk.col.dominated'), align: 'num', sort: true, render: (x) => fmtInt(x.dominated) },
            { key: 'value_at_risk', label: t('risk.col.value_at_risk'), title: t('risk.upstream_hint'), align: 'num', sort: true, render: (x) => fmtWan(x.value_at_risk) },
          ],
        })),
      h('section', { class: 'panel', testid: 'single-sourced' }, h('h2', null, t('risk.single_sourced')),
        h('p', { class: 'muted small' }, t('risk.single_help', { n: fmtInt(single.total), outside: fmtInt(single.supplier_outside) })),
        table(single.items || [], {
          testid: 'single-table', row: () => ({ testid: 'single-row' }), export: exportOf('risk.single_sourced', query),
          pageSize: 10, pagerTestid: 'single-pager', filter: { text: (x) => findText(x.buyer, x.supplier, x.node_name, x.node_name_en), testid: 'single-filter' },
          columns: [
            { key: 'buyer', label: t('risk.col.buyer'), sort: (x) => nameOf(x.buyer), render: (x) => nameOf(x.buyer) },
            { key: 'node', label: t('risk.col.node'), sort: (x) => pick(x.node_name, x.node_name_en), render: (x) => pick(x.node_name, x.node_name_en) || '—' },
            { key: 'supplier', label: t('risk.col.only_supplier'), sort: (x) => nameOf(x.supplier),
              render: (x) => [supplierLink(x.supplier), x.supplier_outside ? [' ', h('span', { class: 'badge badge-off' }, t('risk.outside'))] : null] },
            { key: 'value', label: t('risk.col.value'), align: 'num', sort: true, render: (x) => fmtWan(x.value) },
          ],
        }))),
    h('section', { class: 'panel' }, h('h2', null, t('risk.by_chain')),
      table(chains, {
        testid: 'risk-chain-table', export: exportOf('risk.by_chain', query),
        pageSize: PAGE, pagerTestid: 'risk-chain-pager', filter: { text: (c) => [c.name_zh, c.name_en, c.chain].join(' '), testid: 'risk-chain-filter', placeholder: t('risk.filter_chain') },
        row: (c) => ({ testid: 'risk-chain-row', dataset: { chain: c.chain } }),
        open: (c) => { location.hash = hashWith('/risk', { tab: 'chain', chain: c.chain, scope: query.scope }); },
        sort: { key: 'outside_share', order: 'desc' },
        columns: [
          { key: 'name', label: t('risk.col.chain'), sort: (c) => pick(c.name_zh, c.name_en), render: (c) => pick(c.name_zh, c.name_en) },
          { key: 'inputs', label: t('risk.col.inputs'), align: 'num', sort: true, render: (c) => fmtInt(c.inputs) },
          { key: 'single', label: t('risk.col.single'), align: 'num', sort: true, render: (c) => fmtInt(c.single) },
          { key: 'concentrated', label: t('risk.col.concentrated'), align: 'num', sort: true, render: (c) => fmtInt(c.concentrated) },
          { key: 'sourcing_hhi', label: t('risk.col.sourcing_hhi'), align: 'num', sort: true, render: (c) => (isNum(c.sourcing_hhi) ? fmtInt(c.sourcing_hhi) : '—') },
          { key: 'market_hhi', label: t('risk.col.market_hhi'), align: 'num', sort: true, render: (c) => (isNum(c.market_hhi) ? fmtInt(c.market_hhi) : '—') },
          { key: 'outside_share', label: t('risk.col.outside_share'), align: 'num', sort: (c) => c.outside_share || 0,
            render: (c) => (isNum(c.outside_share) ? fmtPct(c.outside_share) : '—') },
          { key: 'spof', label: t('risk.col.spof'), align: 'num', sort: true, render: (c) => fmtInt(c.spof) },
          { key: 'top_spof', label: t('risk.col.top_spof'), render: (c) => ((c.top_spof || [])[0] ? supplierLink(c.top_spof[0]) : '—') },
        ],
      })));
  chart(chartEl, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: chains.map((c) => pick(c.name_zh, c.name_en)), axisLabel: { interval: 0, rotate: 40, fontSize: 11 } },
    yAxis: [{ type: 'value', name: t('risk.col.outside_share'), max: 1, axisLabel: { formatter: (v) => Math.round(v * 100) + '%' } },
      { type: 'value', name: t('risk.col.single'), splitLine: { show: false }, minInterval: 1 }],
    series: [
      { name: t('risk.col.outside_share'), type: 'bar', data: chains.map((c) => (isNum(c.outside_share) ? c.outside_share : 0)), color: '#e0533d', barMaxWidth: 20 },
      { name: t('risk.col.single'), type: 'line', yAxisIndex: 1, data: chains.map((c) => c.single), color: '#2f6fdd' },
    ],
  }, { empty: t('risk.empty.overview') });
}

// ---- one chain ----

async function chainTab(main, query, alive) {
  let cat;
  try { cat = await api('/chains'); } catch (e) { if (alive()) main.appendChild(errBox(e)); return; }
  if (!alive()) return;
  // A chief reads only their own chains: the selector offers those (the server refuses others).
  const user = currentUser();
  const mine = user && user.role === 'chief' && (user.chains || []).length ? new Set(user.chains) : null;
  const list = (Array.isArray(cat) ? cat : (cat.items || cat.chains || [])).filter((c) => !mine || mine.has(c.id));
  const chainId = query.chain || (list[0] && list[0].id);
  const sel = h('select', { id: 'r-chain', testid: 'risk-chain-select', onchange: () => { location.hash = hashWith('/risk', { tab: 'chain', chain: sel.value, scope: query.scope }); } },
    list.map((c) => h('option', { value: c.id, selected: c.id === chainId }, pick(c.name_zh, c.name_en))));
  main.appendChild(h('div', { class: 'panel-head' }, h('label', { class: 'muted small' }, t('risk.col.chain'), ' ', sel), scopePicker({ ...query, chain: chainId }, 'chain')));
  let d;
  try { d = await api('/risk/chains/' + encodeURIComponent(chainId), { query: { scope: query.scope, q: query.q } }); } catch (e) { if (alive()) main.appendChild(errBox(e)); return; }
  if (!alive()) return;
  main.appendChild(asOfLine(d.as_of)); // 数据截至 (web/asof.js)
  const tot = d.total || {};
  // At 1M firms a chain has tens of thousands of single points: the server sends the riskiest
  // (a limit) and finds any other by a text (q); the tables page and filter what came.
  const cut = (d.spof_matching || 0) > (d.spof || []).length || (d.articulation_matching || 0) > (d.articulation || []).length;
  let serverFind = null;
  if (cut || query.q) {
    const box = h('input', { type: 'search', testid: 'risk-server-q', value: query.q || '', placeholder: t('risk.find_ph') });
    const go = () => { location.hash = hashWith('/risk', { tab: 'chain', chain: chainId, scope: query.scope, q: box.value.trim() || undefined }); };
    box.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') go(); });
    serverFind = h('p', { class: 'muted small', testid: 'risk-cut-note' },
      t('risk.cut_note', { spof: fmtInt((d.spof || []).length), spof_all: fmtInt(d.spof_matching), ap: fmtInt((d.articulation || []).length), ap_all: fmtInt(d.articulation_matching) }),
      ' ', box, ' ', h('button', { type: 'button', testid: 'risk-server-find', onclick: go }, t('risk.find')));
  }
  const nodeEl = h('div', { class: 'chart chart-tall', testid: 'risk-node-chart', id: 'risk-node-chart' });
  main.append(
    h('p', { class: 'muted', testid: 'risk-chain-summary' }, t('risk.chain_summary', {
      inputs: fmtInt(tot.inputs), single: fmtInt(tot.single), sourcing: isNum(tot.sourcing_hhi) ? fmtInt(tot.sourcing_hhi) : '—',
      market: isNum(tot.market_hhi) ? fmtInt(tot.market_hhi) : '—',
      outside: isNum(tot.outside_share) ? fmtPct(tot.outside_share) : '—', finals: fmtInt(d.final_producers), spof: fmtInt(d.spof_count),
    })),
    h('section', { class: 'panel' }, h('h2', null, t('risk.by_node')), h('p', { class: 'muted small', testid: 'hhi-note' }, t('risk.hhi_note')), nodeEl),
    serverFind || '',
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel' }, h('h2', null, t('risk.spof')), h('p', { class: 'muted small' }, t('risk.spof_help')),
        table(d.spof || [], {
          testid: 'spof-table', row: (x) => ({ testid: 'spof-row', dataset: { uscc: x.uscc } }), pageSize: PAGE, pagerTestid: 'spof-pager',
          filter: { text: (x) => findText(x), testid: 'spof-filter' }, export: exportOf('risk.spof', query, [[t('risk.col.chain'), sel.selectedOptions[0] ? sel.selectedOptions[0].textContent : chainId]]),
          columns: [
            { key: 'supplier', label: t('risk.col.supplier'), sort: (x) => nameOf(x),
              render: (x) => [supplierLink(x), x.final_producer ? [' ', h('span', { class: 'badge' }, t('risk.final_producer'))] : null, h('div', { class: 'small muted' }, x.region_name)] },
            { key: 'downstream_loss', label: t('risk.col.downstream_loss'), title: t('risk.downstream_hint'), align: 'num', sort: true, render: (x) => fmtWan(x.downstream_loss) },
            { key: 'dominated', label: t('risk.col.dominated'), align: 'num', sort: true, render: (x) => fmtInt(x.dominated) },
            { key: 'value_at_risk', label: t('risk.col.value_at_risk'), title: t('risk.upstream_hint'), align: 'num', sort: true, render: (x) => fmtWan(x.value_at_risk) },
          ],
        })),
      h('section', { class: 'panel' }, h('h2', null, t('risk.articulation')), h('p', { class: 'muted small' }, t('risk.articulation_help')),
        table(d.articulation || [], {
          testid: 'ap-table', row: () => ({ testid: 'ap-row' }), pageSize: PAGE, pagerTestid: 'ap-pager',
          filter: { text: (x) => findText(x), testid: 'ap-filter' }, export: exportOf('risk.articulation', query, [[t('risk.col.chain'), sel.selectedOptions[0] ? sel.selectedOptions[0].textContent : chainId]]),
          columns: [
            { key: 'supplier', label: t('risk.col.supplier'), sort: (x) => nameOf(x), render: (x) => [supplierLink(x), h('div', { class: 'small muted' }, x.region_name)] },
            { key: 'separates', label: t('risk.col.separates'), align: 'num', sort: true, render: (x) => fmtInt(x.separates) },
            { key: 'value_separated', label: t('risk.col.value'), align: 'num', sort: true, render: (x) => fmtWan(x.value_separated) },
          ],
        }))));
  const nodes = (d.nodes || []).filter((n) => n.inputs > 0);
  chart(nodeEl, {
    tooltip: {
      trigger: 'axis', axisPointer: { type: 'shadow' },
      formatter: (ps) => {
        const n = nodes[ps[0].dataIndex];
        return `<b>${escapeHtml(pick(n.name_zh, n.name_en))}</b><br>${escapeHtml(t('risk.col.market_hhi'))} ${escapeHtml(isNum(n.market_hhi) ? fmtInt(n.market_hhi) : '—')}<br>${escapeHtml(t('risk.col.sourcing_hhi'))} ${escapeHtml(fmtInt(n.sourcing_hhi))} · ${escapeHtml(t('risk.col.single'))} ${n.single}/${n.inputs}<br>${escapeHtml(t('risk.col.outside_share'))} ${escapeHtml(isNum(n.outside_share) ? fmtPct(n.outside_share) : '—')}`;
      },
    },
    legend: { top: 0 },
    grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: nodes.map((n) => pick(n.name_zh, n.name_en)), axisLabel: { interval: 0, rotate: 40, fontSize: 11 } },
    yAxis: [{ type: 'value', name: 'HHI', max: 10000 }, { type: 'value', name: t('risk.col.outside_share'), max: 1, splitLine: { show: false }, axisLabel: { formatter: (v) => Math.round(v * 100) + '%' } }],
    series: [
      { name: t('risk.col.sourcing_hhi'), type: 'bar', data: nodes.map((n) => (isNum(n.sourcing_hhi) ? Math.round(n.sourcing_hhi) : null)), color: '#c9b6ec', barMaxWidth: 14 },
      { name: t('risk.col.market_hhi'), type: 'bar', data: nodes.map((n) => (isNum(n.market_hhi) ? Math.round(n.market_hhi) : null)), color: '#8d5bd1', barMaxWidth: 14, markLine: { silent: true, symbol: 'none', data: [{ yAxis: 2500, name: '2500' }], lineStyle: { color: '#e0533d', type: 'dashed' }, label: { formatter: t('risk.hhi_line') } } },
      { name: t('risk.col.outside_share'), type: 'line', yAxisIndex: 1, data: nodes.map((n) => (isNum(n.outside_share) ? n.outside_share : null)), color: '#e0533d' },
    ],
  }, { empty: t('risk.empty.nodes') });
}

// ---- one supplier: network and time-to-survive ----

async function supplierTab(main, query, alive) {
  const uIn = enterprisePicker({ id: 'r-uscc', testid: 'risk-uscc', initial: query.uscc || null, size: 28, placeholder: t('risk.uscc_hint') });
  const ttrIn = h('input', { type: 'number', id: 'r-ttr', testid: 'risk-ttr', value: query.ttr || '4', min: '0.1', step: 'any', style: { width: '6em' } });
  const form = h('form', { class: 'panel panel-tight', testid: 'supplier-form', novalidate: true }, h('div', { class: 'form-actions', style: { marginTop: 0 } },
    h('label', { for: 'r-uscc', class: 'muted' }, t('risk.col.supplier')), uIn.el,
    h('label', { for: 'r-ttr', class: 'muted' }, t('risk.ttr')), ttrIn,
    h('button', { type: 'submit', class: 'btn btn-sm btn-primary', testid: 'supplier-go' }, t('risk.analyse'))));
  form.addEventListener('submit', async (ev) => { ev.preventDefault(); location.hash = hashWith('/risk', { tab: 'supplier', uscc: ((await uIn.commit())[0] || '').toUpperCase(), ttr: ttrIn.value }); });
  main.appendChild(form);
  if (!query.uscc) { main.appendChild(h('p', { class: 'muted' }, t('risk.pick_supplier'))); return; }
  const graphEl = h('div', { class: 'chart chart-graph', testid: 'risk-graph', id: 'risk-graph' });
  const ttsBox = h('section', { class: 'panel', testid: 'tts' });
  main.append(h('section', { class: 'panel' }, h('h2', null, t('risk.network')), h('p', { class: 'muted small' }, t('risk.network_help')), graphEl), ttsBox);
  let nb;
  try { nb = await api('/risk/suppliers/' + encodeURIComponent(query.uscc) + '/network', { query: { max: 80 } }); } catch (e) { if (alive()) clear(graphEl).appendChild(errBox(e)); return; }
  if (!alive()) return;
  const cats = ['center', 'supplier', 'customer', 'customer2'];
  const maxOut = Math.max(1, ...nb.nodes.map((n) => (isNum(n.output) ? n.output : 0)));
  chart(graphEl, {
    tooltip: { formatter: (p) => (p.dataType === 'node' ? `${escapeHtml(p.data.label)}<br>${escapeHtml(t('risk.role.' + cats[p.data.category]))} · ${escapeHtml(p.data.region)}` : `${escapeHtml(t('risk.col.value'))}: ${escapeHtml(fmtWan(p.data.value))}`) },
    legend: [{ data: cats.map((c) => t('risk.role.' + c)), top: 0 }],
    series: [{
      type: 'graph', layout: 'force', roam: true, draggable: true, top: 30,
      categories: cats.map((c) => ({ name: t('risk.role.' + c) })),
      force: { repulsion: 120, edgeLength: [40, 120], gravity: 0.08 },
      edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 6,
      label: { show: nb.nodes.length <= 30, position: 'right', fontSize: 10, formatter: (p) => (p.data.label.length > 10 ? p.data.label.slice(0, 10) + '…' : p.data.label) },
      data: nb.nodes.map((n, i) => ({ id: String(i), name: n.uscc, label: nameOf(n), region: n.region_name || String(n.region), category: cats.indexOf(n.role), symbolSize: i === 0 ? 34 : 8 + 22 * Math.sqrt((isNum(n.output) ? n.output : 0) / maxOut) })),
      links: nb.links.map((l) => ({ source: String(l.source), target: String(l.target), value: l.value, lineStyle: { width: isNum(l.value) ? 1 + Math.min(4, Math.log10(1 + l.value) / 1.5) : 1, opacity: 0.5 } })),
    }],
  });
  // Time to survive of the downstream neighbourhood.
  ttsBox.appendChild(h('p', { class: 'muted' }, t('common.loading')));
  let r;
  try { r = await api('/risk/suppliers/' + encodeURIComponent(query.uscc) + '/tts', { query: { ttr: query.ttr || 4 } }); } catch (e) { if (alive()) clear(ttsBox).appendChild(errBox(e)); return; }
  if (!alive()) return;
  const ttsEl = h('div', { class: 'chart chart-tall', testid: 'tts-chart', id: 'tts-chart' });
  const fmtT = (v) => (isNum(v) ? fmtNum(v, 1) + ' ' + t('risk.weeks') : t('risk.tts_none'));
  const rows = (r.nodes || []).filter((n) => n.tier > 0);
  clear(ttsBox).append(
    h('h2', null, t('risk.tts_title')),
    h('p', { testid: 'tts-summary', class: r.at_risk ? 'status status-error' : 'status status-ok' },
      t('risk.tts_summary', { tts: fmtT(r.tts), ttr: fmtNum(r.ttr, 1), lost: fmtWan(r.lost), nodes: fmtInt(r.model_nodes), alts: fmtInt(r.alternatives) })),
    h('p', { class: 'muted small' }, t('risk.tts_help')),
    rows.length ? ttsEl : null,
    table(rows, {
      testid: 'tts-table', pageSize: 60, pagerTestid: 'tts-pager', filter: { text: (n) => findText(n), testid: 'tts-filter' },
      export: { name: t('risk.tts_title'), filters: [[t('risk.col.supplier'), query.uscc], ['TTR', query.ttr || 4]] },
      row: (n) => ({ testid: 'tts-row', dataset: { risk: n.at_risk ? '1' : '0' } }),
      columns: [
        { key: 'name', label: t('risk.col.enterprise'), sort: (n) => nameOf(n), render: (n) => nameOf(n) },
        { key: 'tier', label: t('risk.col.tier'), align: 'num', sort: true, first: 'asc' },
        { key: 'tts', label: t('risk.col.tts'), align: 'num', sort: true, first: 'asc', render: (n) => fmtT(n.tts) },
        { key: 'lost', label: t('risk.col.lost'), align: 'num', sort: true, render: (n) => fmtWan(n.lost) },
        { key: 'at_risk', label: '', render: (n) => (n.at_risk ? h('span', { class: 'badge badge-off' }, t('risk.at_risk')) : null) },
      ],
    }));
  if (!rows.length) return;
  const shown = rows.slice(0, 30);
  const cap = Math.max(r.ttr * 3, ...shown.map((n) => (isNum(n.tts) ? n.tts : 0)));
  chart(ttsEl, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (ps) => `${escapeHtml(nameOf(shown[ps[0].dataIndex]))}<br>TTS: ${escapeHtml(fmtT(shown[ps[0].dataIndex].tts))}` },
    grid: { left: 8, right: 40, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'value', name: t('risk.weeks'), max: Math.ceil(cap) },
    yAxis: { type: 'category', inverse: true, data: shown.map((n) => { const s = nameOf(n); return s.length > 14 ? s.slice(0, 14) + '…' : s; }) },
    series: [{
      type: 'bar', barMaxWidth: 14,
      data: shown.map((n) => ({ value: isNum(n.tts) ? n.tts : cap, itemStyle: { color: n.at_risk ? '#e0533d' : isNum(n.tts) ? '#f0a020' : '#2bb38a' } })),
      markLine: { silent: true, symbol: 'none', data: [{ xAxis: r.ttr }], lineStyle: { color: '#15213a', type: 'dashed' }, label: { formatter: 'TTR ' + fmtNum(r.ttr, 1) } },
    }],
  });
}

// ---- what-if ----

async function whatIf(main, query, alive) {
  const status = statusBox('whatif-status');
  const supIn = enterprisePicker({ id: 'w-sup', testid: 'whatif-suppliers', multiple: true, initial: query.uscc ? [query.uscc] : null, placeholder: t('risk.whatif_suppliers_hint') });
  const regIn = regionPicker({ id: 'w-reg', testid: 'whatif-regions', multiple: true, prefix: true });
  const nodeIn = nodePicker({ id: 'w-node', testid: 'whatif-nodes', multiple: true });
  const spareIn = h('input', { type: 'number', id: 'w-spare', testid: 'whatif-spare', value: '0.2', min: '0', max: '1', step: 'any', style: { width: '6em' } });
  const go = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'whatif-run' }, t('risk.whatif_run'));
  const form = h('form', { class: 'panel form-grid', testid: 'whatif-form', novalidate: true },
    h('h2', null, t('risk.whatif_title')),
    h('div', { class: 'field field-wide' }, h('label', { for: 'w-sup', class: 'field-label' }, t('risk.whatif_suppliers')), supIn.el),
    h('div', { class: 'field' }, h('label', { for: 'w-reg', class: 'field-label' }, t('risk.whatif_regions')), regIn.el),
    h('div', { class: 'field' }, h('label', { for: 'w-node', class: 'field-label' }, t('risk.whatif_nodes')), nodeIn.el),
    h('div', { class: 'field' }, h('label', { for: 'w-spare', class: 'field-label' }, t('risk.whatif_spare')), spareIn),
    h('p', { class: 'muted small', style: { gridColumn: '1 / -1', margin: 0 } }, t('risk.whatif_help')),
    h('div', { class: 'form-actions' }, go), status);
  const out = h('div', { testid: 'whatif-result' });
  main.append(form, out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const [suppliers, regions, nodes] = await Promise.all([supIn.commit(), regIn.commit(), nodeIn.commit()]);
    const body = { suppliers, regions, nodes, spare: Number(spareIn.value) };
    if (!body.suppliers.length && !body.regions.length && !body.nodes.length) { status.show('error', t('risk.whatif_empty')); return; }
    if (!Number.isFinite(body.spare) || body.spare < 0 || body.spare > 1) { status.show('error', t('risk.whatif_spare_bad')); return; }
    go.disabled = true;
    status.show('info', t('common.loading'));
    try {
      const r = await api('/risk/disruptions', { json: body });
      status.hide();
      showResult(out, r, body);
    } catch (e) {
      status.show('error', errorText(e));
      clear(out);
    } finally {
      go.disabled = false;
    }
  });
  if (query.uscc) form.requestSubmit();
}

function showResult(out, r, body = {}) {
  const list = (a) => (a && a.length ? a.join('; ') : '');
  const whatIfFilters = () => [[t('risk.whatif_suppliers'), list(body.suppliers)], [t('risk.whatif_regions'), list(body.regions)],
    [t('risk.whatif_nodes'), list(body.nodes)], [t('risk.whatif_spare'), body.spare]];
  const card = (key, v, id) => h('div', { class: 'stat', testid: id }, h('div', { class: 'stat-value' }, v), h('div', { class: 'stat-label' }, t(key)));
  const tierEl = h('div', { class: 'chart', testid: 'whatif-tiers', id: 'whatif-tiers' });
  const chainEl = h('div', { class: 'chart chart-tall', testid: 'whatif-chains', id: 'whatif-chains' });
  clear(out).append(
    h('div', { class: 'stats' }, card('risk.removed', fmtInt(r.removed), 'wi-removed'), card('risk.affected', fmtInt(r.affected), 'wi-affected'),
      card('risk.value_at_risk', fmtWan(r.value_at_risk), 'wi-value'), card('risk.removed_value', fmtWan(r.removed_value), 'wi-removed-value')),
    h('div', { class: 'grid-2' }, h('section', { class: 'panel' }, h('h2', null, t('risk.by_tier')), tierEl), h('section', { class: 'panel' }, h('h2', null, t('risk.by_chain_loss')), chainEl)),
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel' }, h('h2', null, t('risk.by_node_loss')), table(r.nodes || [], {
        testid: 'whatif-nodes-table', export: { name: t('risk.by_node_loss'), filters: whatIfFilters() }, pageSize: PAGE, pagerTestid: 'whatif-nodes-pager',
        filter: { text: (n) => [n.name_zh, n.name_en, n.id].join(' '), testid: 'whatif-nodes-filter', placeholder: t('risk.filter_node') },
        columns: [
          { key: 'name', label: t('risk.col.node'), sort: (n) => pick(n.name_zh, n.name_en), render: (n) => pick(n.name_zh, n.name_en) },
          { key: 'affected', label: t('risk.affected'), align: 'num', sort: true, render: (n) => fmtInt(n.affected) },
          { key: 'value', label: t('risk.value_at_risk'), align: 'num', sort: true, render: (n) => fmtWan(n.value) },
        ],
      })),
      h('section', { class: 'panel' }, h('h2', null, t('risk.most_affected')), table(r.enterprises || [], {
        testid: 'whatif-ent-table', row: () => ({ testid: 'whatif-ent-row' }), export: { name: t('risk.most_affected'), filters: whatIfFilters() },
        pageSize: PAGE, pagerTestid: 'whatif-ent-pager', filter: { text: (x) => findText(x), testid: 'whatif-ent-filter' },
        columns: [
          { key: 'name', label: t('risk.col.enterprise'), sort: (x) => nameOf(x), render: (x) => supplierLink(x) },
          { key: 'tier', label: t('risk.col.tier'), align: 'num', sort: true, first: 'asc' },
          { key: 'loss', label: t('risk.col.loss'), align: 'num', sort: true, render: (x) => fmtPct(x.loss) },
          { key: 'value_at_risk', label: t('risk.value_at_risk'), align: 'num', sort: true, render: (x) => fmtWan(x.value_at_risk) },
        ],
      }))));
  const tiers = r.tiers || [];
  chart(tierEl, {
    tooltip: { trigger: 'axis', formatter: axisTooltip((i) => (i === 1 ? fmtWan : '')) },
    legend: { top: 0 },
    grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: tiers.map((x) => t('risk.tier_n', { n: x.tier })) },
    yAxis: [{ type: 'value', name: t('risk.affected'), minInterval: 1 }, { type: 'value', name: t('risk.value_at_risk'), axisLabel: { formatter: moneyAxis }, splitLine: { show: false } }],
    series: [
      { name: t('risk.affected'), type: 'bar', data: tiers.map((x) => x.affected), color: '#f0a020', barMaxWidth: 28 },
      { name: t('risk.value_at_risk'), type: 'line', yAxisIndex: 1, data: tiers.map((x) => x.value), color: '#e0533d' },
    ],
  }, { empty: t('risk.empty.whatif') });
  const chains = (r.chains || []).slice().sort((a, b) => b.value - a.value).slice(0, 15);
  chart(chainEl, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: axisTooltip(() => fmtWan) },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: moneyAxis } },
    yAxis: { type: 'category', inverse: true, data: chains.map((c) => (isZh() ? c.name_zh : c.name_en)) },
    series: [{ name: t('risk.value_at_risk'), type: 'bar', data: chains.map((c) => c.value), color: '#e0533d', barMaxWidth: 16 }],
  }, { empty: t('risk.empty.whatif') });
}
