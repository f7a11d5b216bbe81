// One chain (GET /api/v1/chains/{chain}, …/gaps, …/targets): summary cards, the node tree
// (upstream → midstream → downstream, coloured by link class), a side panel per node (metrics,
// reason, its enterprises and investment targets from …/nodes/{node}), the gaps and extension
// links, the targets with a CSV export, and the XLSX report.
import { t, pick, isZh } from '../i18n.js';
import { methodNotes } from '../methods.js';
import { api, apiUrl, errorText } from '../api.js';
import { h, clear, fmtNum, fmtInt, fmtMoney, fmtPct, score, chart, hashWith, errorPanel, isNum, escapeHtml } from '../util.js';
import {
  CLASS_COLOR, CLASSES, STAGES, scopeSelector, classBadge, classCounts, classLegend, className, stageName, kindName,
  growthColumn, signedPct, unit, targetsCsv, downloadText,
} from '../chainkit.js';
import { table } from '../table.js';
import { districtMap } from '../map.js';
import { asOfLine } from '../asof.js';

const TOP_ENTERPRISES = 10;

export async function render({ main, params, query, alive }) {
  const id = params.chain;
  const scope = query.scope || '';
  const year = query.year || '';
  const q = { scope, year };
  const here = (extra) => hashWith('/chain/' + encodeURIComponent(id), { scope, year, ...extra });
  const back = h('a', { href: hashWith('/chains', { scope, year }), class: 'btn btn-ghost', testid: 'back-to-chains' }, '← ' + t('chain.back'));

  main.appendChild(h('div', { class: 'muted', testid: 'loading' }, t('common.loading')));
  let d, gaps, targets;
  try {
    [d, gaps, targets] = await Promise.all([
      api('/chains/' + encodeURIComponent(id), { query: q }),
      api('/chains/' + encodeURIComponent(id) + '/gaps', { query: q }),
      api('/chains/' + encodeURIComponent(id) + '/targets', { query: { ...q, limit: 10 } }),
    ]);
  } catch (e) {
    if (!alive()) return;
    clear(main).append(errorPanel(errorText(e)), back);
    return;
  }
  if (!alive()) return;
  clear(main);

  const c = d.chain || {};
  // What an export of this page's tables says it was filtered by (web/export.js).
  const exportOf = (key, vars) => ({ name: pick(c.name_zh, c.name_en) + ' ' + t(key, vars),
    filters: () => [[t('chain.col.chain'), pick(c.name_zh, c.name_en)], [t('chain.scope'), d.scope ? pick(d.scope.name_zh, d.scope.name_en) : scope], [t('common.year'), d.scope ? d.scope.year : year]] });
  const nodes = d.nodes || [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const reportHref = apiUrl('/chains/' + encodeURIComponent(id) + '/report', { scope, year, lang: isZh() ? 'zh' : 'en' });
  const briefHref = hashWith('/brief', { chain: id, scope });

  /* ---------- header, scope, cards ---------- */
  main.appendChild(h('section', { class: 'panel' },
    h('div', { class: 'chain-head' },
      h('div', null,
        h('h2', { class: 'chain-name', testid: 'chain-name' }, pick(c.name_zh, c.name_en),
          c.status ? h('span', { class: 'badge ' + (c.status === 'working' ? 'badge-working' : 'badge-on') }, t('chain.status.' + c.status)) : null),
        pick(d.source_zh, d.source_en) ? h('div', { class: 'muted small', testid: 'chain-source' }, t('chain.source'), pick(d.source_zh, d.source_en)) : null),
      h('div', { class: 'chain-head-actions' },
        back,
        h('a', { class: 'btn', testid: 'brief-link', href: briefHref, title: t('brief.link_hint') }, t('brief.link')),
        h('a', { class: 'btn btn-primary', testid: 'report-xlsx', href: reportHref, download: '', title: t('chain.report_hint') }, t('chain.report')))),
    h('div', { class: 'chain-scope' },
      // A new scope keeps the open node open.
      scopeSelector(scope, d.scope, (s) => { location.hash = hashWith('/chain/' + encodeURIComponent(id), { scope: s, year, node: selected }); }))));

  main.appendChild(h('div', { class: 'cards cards-7', testid: 'chain-cards' },
    card('enterprises', 'chain.col.enterprises', fmtInt(c.enterprises), t('dash.unit.count')),
    card('output', 'chain.col.output', fmtMoney(c.output), null, '', isNum(c.output) ? fmtNum(c.output, 2) + ' ' + t('common.unit_wan') : ''),
    card('yoy', 'chain.col.yoy', signedPct(c.yoy), null, isNum(c.yoy) ? (c.yoy < 0 ? 'neg' : 'pos') : ''),
    card('completeness', 'chain.col.completeness', fmtPct(c.completeness), null, '', t('chain.completeness_hint')),
    card('local_coverage', 'chain.col.local_coverage', fmtPct(c.local_coverage), null, '', t('chain.coverage_hint')),
    card('output_hhi', 'chain.col.output_hhi', isNum(c.output_hhi) ? fmtNum(c.output_hhi, 0) : t('common.unknown'), null, '', t('chain.hhi_hint')),
    h('div', { class: 'card', testid: 'card-classes' },
      h('div', { class: 'card-label' }, t('chain.card.classes')),
      h('div', { class: 'card-value card-value-badges' }, classCounts(c)))));

  main.appendChild(asOfLine(d.as_of)); // 数据截至 (web/asof.js)

  /* ---------- the tree ---------- */
  const leaves = nodes.filter((n) => !nodes.some((m) => m.parent === n.id)).length;
  const height = Math.max(380, leaves * 30 + 40);
  const elTree = h('div', { class: 'chart', testid: 'chain-tree', id: 'chain-tree', style: { height: height + 'px' } });
  main.appendChild(h('section', { class: 'panel' },
    h('div', { class: 'panel-head' },
      h('h2', null, t('chain.tree')),
      classLegend()),
    h('p', { class: 'muted small tree-hint' }, t('chain.tree_hint')),
    elTree));

  let selected = null;
  const tree = chart(elTree, treeOption(c, nodes, null));
  if (tree) {
    tree.on('click', (p) => { if (p.data && p.data.nodeId) openNode(p.data.nodeId); });
  }
  const markSelected = () => {
    if (tree && !tree.isDisposed()) tree.setOption({ series: [{ data: [treeData(c, nodes, selected)] }] });
  };

  /* ---------- the chain by district: a click makes the district the scope ---------- */
  main.appendChild(districtMap({
    scope, year, chain: id, testid: 'chain-map',
    onPick: (code) => { location.hash = hashWith('/chain/' + encodeURIComponent(id), { scope: String(code), year, node: selected }); },
  }));

  /* ---------- gaps and extension ---------- */
  const gapRows = gaps.gaps || [];
  const ext = gaps.extension || [];
  main.appendChild(h('div', { class: 'grid-gaps' },
    h('section', { class: 'panel', testid: 'gaps-panel' },
      h('div', { class: 'panel-head' },
        h('h2', null, t('chain.gaps', { n: fmtInt(gapRows.length) })),
        h('span', { class: 'muted small' }, t('chain.gaps_hint'))),
      table(gapRows, {
        testid: 'gaps-table', class: 'wrap-head', empty: t('chain.no_gaps'), export: exportOf('chain.gaps', { n: gapRows.length }),
        pageSize: 20, pagerTestid: 'gaps-pager',
        row: (n) => ({ dataset: { node: n.id, cls: n.class }, testid: 'gap-row' }),
        open: (n) => openNode(n.id),
        columns: [
          { key: 'name', label: t('chain.col.node'), class: 'col-name', sort: (n) => pick(n.name_zh, n.name_en),
            render: (n) => [h('strong', null, pick(n.name_zh, n.name_en)), parentOf(byId, n)] },
          { key: 'stage', label: t('chain.col.stage'), class: 'nowrap', sort: (n) => STAGES.indexOf(n.stage), first: 'asc', render: (n) => stageName(n.stage) },
          { key: 'class', label: t('chain.col.class'), sort: (n) => CLASSES.indexOf(n.class), first: 'asc', render: (n) => classBadge(n.class) },
          { key: 'enterprises', label: t('chain.col.enterprises'), align: 'num', sort: true, render: (n) => fmtInt(n.enterprises) },
          { key: 'output_share', label: t('chain.col.output_share'), align: 'num', sort: true, render: (n) => fmtPct(n.output_share) },
          { key: 'local_coverage', label: t('chain.col.local_coverage'), align: 'num', sort: true, render: (n) => fmtPct(n.local_coverage) },
          { key: 'reason', label: t('chain.col.reason'), class: 'reason-cell', render: (n) => pick(n.reason_zh, n.reason_en) },
        ],
      })),
    h('section', { class: 'panel', testid: 'extension-panel' },
      h('div', { class: 'panel-head' }, h('h2', null, t('chain.extension'))),
      h('p', { class: 'muted small' }, t('chain.extension_hint')),
      table(ext, {
        testid: 'extension-table', empty: t('chain.no_extension'), export: exportOf('chain.extension'), pageSize: 20, pagerTestid: 'extension-pager',
        row: (x) => ({ dataset: { node: x.id } }),
        open: (x) => openNode(x.id),
        columns: [
          { key: 'name', label: t('chain.col.node'), sort: (x) => pick(x.name_zh, x.name_en), render: (x) => pick(x.name_zh, x.name_en) },
          { key: 'stage', label: t('chain.col.stage'), class: 'nowrap', sort: (x) => STAGES.indexOf(x.stage), first: 'asc', render: (x) => stageName(x.stage) },
          { key: 'local_demand', label: t('chain.col.local_demand'), align: 'num', sort: true, class: 'nowrap',
            render: (x) => fmtMoney(x.local_demand) },
        ],
      }))));

  /* ---------- targets ---------- */
  const tItems = targets.items || [];
  const nTargets = tItems.reduce((a, it) => a + (it.targets || []).length, 0);
  const csvName = `chain-${id}-targets${scope ? '-' + scope.replace(/[^0-9A-Za-z]+/g, '_') : ''}.csv`;
  const nodeFilter = h('select', { id: 'targets-node', testid: 'targets-node', 'aria-label': t('chain.col.node') },
    h('option', { value: '' }, t('chain.targets_all', { n: fmtInt(nTargets) })),
    tItems.map((it) => h('option', { value: it.node }, pick(it.name_zh, byId.get(it.node)?.name_en) + ' · ' + className(it.class) + ' (' + fmtInt((it.targets || []).length) + ')')));
  // One row per target, grouped by node: the first target of a node brings the node's row.
  const targetsOf = (only) => tItems.filter((it) => !only || it.node === only)
    .flatMap((it) => (it.targets || []).map((x, i) => ({ ...x, group: i === 0 ? it : null, nodeName: pick(it.name_zh, byId.get(it.node)?.name_en) })));
  const targetsTable = table(targetsOf(''), {
    testid: 'targets-table', wrap: { class: 'table-scroll' }, empty: t('chain.no_targets'),
    ...targetsTableOptions(false),
    // Grouped by node until a header sorts them all; then each target names its node.
    expand: (x, tr, i, st) => (st.sort ? (tr.children[1].appendChild(h('div', { class: 'muted small', testid: 'target-node' }, x.nodeName)), tr) : x.group ? [h('tr', { class: 'group-row', dataset: { node: x.group.node } }, h('td', { colspan: 7 },
      h('button', { type: 'button', class: 'link-btn', onclick: () => openNode(x.group.node) }, pick(x.group.name_zh, byId.get(x.group.node)?.name_en)),
      ' ', classBadge(x.group.class), ' ', h('span', { class: 'muted small' }, stageName(byId.get(x.group.node)?.stage)))), tr] : tr),
  });
  nodeFilter.addEventListener('change', () => targetsTable.update(targetsOf(nodeFilter.value)));
  main.appendChild(h('section', { class: 'panel', testid: 'targets-panel' },
    h('div', { class: 'panel-head' },
      h('h2', null, t('chain.targets', { n: fmtInt(nTargets) })),
      h('div', { class: 'panel-actions' },
        nTargets ? nodeFilter : null,
        h('button', { type: 'button', class: 'btn', testid: 'export-targets-csv', disabled: !nTargets,
          onclick: () => downloadText(csvName, targetsCsv(tItems)) }, t('chain.export_csv')),
        h('a', { class: 'btn', testid: 'report-xlsx-2', href: reportHref, download: '' }, t('chain.report')))),
    h('p', { class: 'muted small' }, t('chain.targets_hint')),
    targetsTable));

  /* ---------- the side panel ---------- */
  main.appendChild(methodNotes(['concentration']));
  const drawer = h('aside', { class: 'drawer', testid: 'node-panel', hidden: true, 'aria-labelledby': 'node-panel-title', role: 'complementary' });
  main.appendChild(drawer);
  let reqNo = 0;

  async function openNode(nodeId) {
    const my = ++reqNo;
    selected = nodeId;
    markSelected();
    history.replaceState(null, '', here({ node: nodeId }));
    const n0 = byId.get(nodeId);
    drawer.hidden = false;
    drawer.dataset.node = nodeId;
    clear(drawer).append(drawerHead(n0 || { id: nodeId }), h('div', { class: 'muted drawer-body' }, t('common.loading')));
    let nd;
    try {
      nd = await api('/chains/' + encodeURIComponent(id) + '/nodes/' + encodeURIComponent(nodeId), { query: q });
    } catch (e) {
      if (!alive() || my !== reqNo) return;
      clear(drawer).append(drawerHead(n0 || { id: nodeId }), h('div', { class: 'drawer-body' }, errorPanel(errorText(e))));
      return;
    }
    if (!alive() || my !== reqNo) return;
    const n = nd.node || n0 || {};
    drawer.dataset.cls = n.class || '';
    clear(drawer).append(drawerHead(n), nodeBody(id, n, nd));
    drawer.scrollTop = 0;
  }

  function closeNode() {
    reqNo++;
    drawer.hidden = true;
    selected = null;
    markSelected();
    history.replaceState(null, '', here({}));
  }

  function drawerHead(n) {
    return h('div', { class: 'drawer-head' },
      h('div', { class: 'drawer-title' },
        h('h2', { id: 'node-panel-title', testid: 'node-name' }, pick(n.name_zh, n.name_en) || n.id),
        h('div', { class: 'muted small' },
          stageName(n.stage),
          n.parent && byId.get(n.parent) ? ' · ' + pick(byId.get(n.parent).name_zh, byId.get(n.parent).name_en) : ''),
        n.class ? h('div', { style: { marginTop: '6px' } }, classBadge(n.class)) : null),
      h('button', { type: 'button', class: 'btn btn-ghost drawer-close', testid: 'node-close', 'aria-label': t('chain.close'), title: t('chain.close'), onclick: closeNode }, '×'));
  }

  const onKey = (ev) => { if (ev.key === 'Escape' && !drawer.hidden) closeNode(); };
  document.addEventListener('keydown', onKey);

  if (query.node && byId.has(query.node)) openNode(query.node);

  return () => document.removeEventListener('keydown', onKey);
}

/* ---------- pieces ---------- */

function card(key, label, value, unitText, cls = '', hint = '', labelSuffix = '') {
  return h('div', { class: 'card', testid: 'card-' + key, title: hint || null },
    h('div', { class: 'card-label' }, t(label) + labelSuffix),
    h('div', { class: 'card-value ' + cls }, value, unitText ? h('span', { class: 'card-unit' }, unitText) : null));
}

function parentOf(byId, n) {
  const p = n.parent && byId.get(n.parent);
  return p ? h('div', { class: 'muted small' }, pick(p.name_zh, p.name_en)) : null;
}

// The columns and rows of a targets table. COMPACT (the side panel): the reason goes on a line of
// its own under the row.
function targetsTableOptions(compact) {
  return {
    row: (x) => ({ dataset: { uscc: x.uscc, kind: x.kind }, testid: 'target-row', class: compact ? 'has-sub' : null }),
    columns: [
      { key: 'rank', label: t('chain.col.rank'), align: 'num', sort: compact ? undefined : true, first: 'asc', render: (x) => fmtInt(x.rank) },
      { key: 'name', label: t('chain.col.target'), class: 'col-name', sort: compact ? undefined : (x) => x.name || x.uscc,
        render: (x) => [x.name ? h('a', { href: '#/enterprise/' + encodeURIComponent(x.uscc) }, x.name) : h('span', { class: 'muted' }, t('chain.not_registered')),
          h('div', { class: 'mono muted small' }, x.uscc)] },
      { key: 'region', label: t('chain.col.region'), class: 'col-region', sort: compact ? undefined : (x) => x.region_name || '', render: (x) => x.region_name || String(x.region ?? '') },
      { key: 'kind', label: t('chain.col.kind'), class: 'nowrap', sort: compact ? undefined : (x) => kindName(x.kind), render: (x) => h('span', { class: 'badge badge-kind-' + x.kind }, kindName(x.kind)) },
      { key: 'score', label: t('chain.col.score') + t('fmt.score_scale'), title: t('chain.score_hint'), align: 'num', sort: compact ? undefined : true, render: (x) => scoreBar(x.score) },
      { key: 'value_to_local', label: t('chain.col.value_to_local'), align: 'num', sort: compact ? undefined : true,
        render: (x) => [x.value_to_local ? fmtMoney(x.value_to_local) : t('common.unknown'),
          x.local_buyers ? h('div', { class: 'muted small' }, t('chain.buyers', { n: fmtInt(x.local_buyers) })) : null] },
      compact ? null : { key: 'reason', label: t('chain.col.reason'), class: 'reason-cell', render: (x) => pick(x.reason_zh, x.reason_en) },
    ],
    expand: compact ? (x, tr) => [tr, h('tr', { class: 'sub-row' }, h('td'),
      h('td', { colspan: 5, class: 'reason-cell', testid: 'target-reason' }, pick(x.reason_zh, x.reason_en)))] : undefined,
  };
}

function scoreBar(v) {
  if (!isNum(v)) return t('common.unknown');
  return h('span', { class: 'meter' }, score(v),
    h('span', { class: 'meter-bar', 'aria-hidden': 'true' }, h('span', { style: { width: Math.max(0, Math.min(100, v * 100)) + '%' } })));
}

// The side panel's body: reason, metrics, enterprises, targets.
function nodeBody(chainId, n, nd) {
  const stat = (label, value, cls = '') => h('div', { class: 'stat' },
    h('div', { class: 'stat-label' }, t(label)), h('div', { class: 'stat-value ' + cls }, value));
  const ents = nd.enterprises || [];
  const total = isNum(nd.enterprises_total) ? nd.enterprises_total : ents.length;
  // The enterprises of the node, ten a page.
  const entTable = table(ents, {
    testid: 'node-enterprises', class: 'wrap-head', empty: t('chain.no_enterprises'), pageSize: TOP_ENTERPRISES, pagerTestid: 'node-enterprises-pager',
    export: { name: pick(n.name_zh, n.name_en) + ' ' + t('chain.node_enterprises', { n: total }), filters: [[t('chain.col.chain'), chainId], [t('chain.col.node'), pick(n.name_zh, n.name_en)]] },
    row: (e) => ({ dataset: { uscc: e.uscc } }),
    columns: [
      { key: 'name', label: t('ent.col.name'), class: 'col-name', render: (e) => {
        const role = (e.chains || []).find((m) => m.chain === chainId && (m.role === 'master' || m.role === 'core'));
        return [h('a', { href: '#/enterprise/' + encodeURIComponent(e.uscc), testid: 'node-enterprise-link' }, e.name),
          role ? h('span', { class: 'badge' + (role.role === 'master' ? ' badge-master' : '') }, t('chainrole.' + role.role)) : null];
      } },
      { key: 'region', label: t('ent.col.region'), class: 'col-region', render: (e) => (e.region_name || '').replace(/^重庆市|^四川省/, '') },
      { key: 'output_value', label: t('chain.m.output_short'), align: 'num', sort: true, class: 'nowrap', render: (e) => fmtMoney(e.output_value) },
      growthColumn('revenue_yoy', t('ent.col.yoy'), { sort: true }),
    ],
  });

  const targets = nd.targets || [];
  return h('div', { class: 'drawer-body' },
    h('div', { class: 'reason reason-' + (n.class || 'none'), testid: 'node-reason', style: { borderLeftColor: CLASS_COLOR[n.class] || '#98a2b3' } },
      pick(n.reason_zh, n.reason_en)),
    h('div', { class: 'stats', testid: 'node-metrics' },
      stat('chain.col.enterprises', fmtInt(n.enterprises)),
      stat('chain.m.masters_core', fmtInt(n.masters) + ' / ' + fmtInt(n.core)),
      stat('chain.m.hightech_srdi', fmtInt(n.hightech) + ' / ' + fmtInt(n.srdi)),
      stat('chain.m.output', fmtMoney(n.output)),
      stat('chain.col.output_share', fmtPct(n.output_share)),
      stat('chain.col.yoy', signedPct(n.yoy), isNum(n.yoy) ? (n.yoy < 0 ? 'neg' : 'pos') : ''),
      stat('chain.m.cagr3', signedPct(n.cagr3), isNum(n.cagr3) ? (n.cagr3 < 0 ? 'neg' : 'pos') : ''),
      stat('chain.m.rd_intensity', fmtPct(n.rd_intensity)),
      stat('chain.col.local_coverage', fmtPct(n.local_coverage)),
      stat('chain.m.purchases_in', fmtMoney(n.purchases_in)),
      stat('chain.m.purchases_out', fmtMoney(n.purchases_out))),
    h('h3', null, t('chain.node_enterprises', { n: fmtInt(total) })),
    entTable,
    h('h3', null, t('chain.node_targets', { n: fmtInt(targets.length) })),
    h('p', { class: 'muted small' }, t('chain.node_targets_hint')),
    table(targets, { testid: 'node-targets', class: 'wrap-head', empty: t('chain.no_targets_node'), ...targetsTableOptions(true) }));
}

/* ---------- the tree ---------- */

// root (the chain) → stages → top-level nodes → their children.
function treeData(c, nodes, selected) {
  const kids = new Map();
  for (const n of nodes) {
    const k = n.parent || '';
    if (!kids.has(k)) kids.set(k, []);
    kids.get(k).push(n);
  }
  const make = (n) => {
    const color = CLASS_COLOR[n.class] || '#98a2b3';
    const sel = n.id === selected;
    const children = (kids.get(n.id) || []).map(make);
    return {
      name: pick(n.name_zh, n.name_en), nodeId: n.id, cls: n.class, node: n,
      value: n.enterprises,
      symbol: 'circle',
      symbolSize: sel ? 18 : (children.length ? 13 : 11),
      itemStyle: { color, borderColor: sel ? '#1d2433' : '#fff', borderWidth: sel ? 3 : 1.5 },
      label: { position: children.length ? 'left' : 'right', align: children.length ? 'right' : 'left', fontWeight: sel ? 700 : 400 },
      children,
    };
  };
  const stages = STAGES.map((s) => {
    const top = (kids.get('') || []).filter((n) => n.stage === s);
    if (!top.length) return null;
    return {
      name: stageName(s), stage: s, symbol: 'roundRect', symbolSize: [14, 14],
      itemStyle: { color: '#475467', borderColor: '#fff' },
      label: { position: 'left', align: 'right', formatter: `{stage|${stageName(s)}}` },
      children: top.map(make),
    };
  }).filter(Boolean);
  return {
    name: pick(c.name_zh, c.name_en), symbol: 'roundRect', symbolSize: [18, 18],
    itemStyle: { color: '#1f5fbf', borderColor: '#fff' },
    label: { position: 'left', align: 'right', formatter: `{root|${pick(c.name_zh, c.name_en)}}` },
    children: stages,
  };
}

function treeOption(c, nodes, selected) {
  const unitCount = t('chain.unit_ent');
  return {
    tooltip: {
      trigger: 'item', confine: true,
      formatter: (p) => {
        const n = p.data && p.data.node;
        if (!n) return escapeHtml(p.name);
        return `<b>${escapeHtml(p.name)}</b> · <span style="color:${CLASS_COLOR[n.class]}">${escapeHtml(className(n.class))}</span><br>`
          + `${t('chain.col.enterprises')}: <b>${fmtInt(n.enterprises)}</b><br>`
          + `${t('chain.col.output_share')}: <b>${fmtPct(n.output_share)}</b><br>`
          + `${t('chain.col.local_coverage')}: <b>${fmtPct(n.local_coverage)}</b><br>`
          + `<span style="display:inline-block;max-width:320px;white-space:normal;color:#667085">${escapeHtml(pick(n.reason_zh, n.reason_en))}</span>`;
      },
    },
    series: [{
      type: 'tree', data: [treeData(c, nodes, selected)],
      orient: 'LR', layout: 'orthogonal', edgeShape: 'curve',
      left: 150, right: 230, top: 16, bottom: 16,
      initialTreeDepth: -1, expandAndCollapse: false, roam: false,
      animationDurationUpdate: 300,
      lineStyle: { color: '#c5cdd9', width: 1.3, curveness: 0.5 },
      emphasis: { focus: 'ancestor', lineStyle: { color: '#667085', width: 2 } },
      label: {
        fontSize: 12, color: '#1d2433', distance: 6, backgroundColor: 'rgba(255,255,255,.92)', padding: [2, 3], borderRadius: 3,
        formatter: (p) => (p.data && p.data.node ? `{n|${p.name}} {c|${fmtInt(p.data.value)}${unitCount}}` : p.name),
        rich: {
          n: { fontSize: 12, color: '#1d2433' },
          c: { fontSize: 11, color: '#667085', backgroundColor: '#f0f2f6', borderRadius: 8, padding: [1, 5] },
          stage: { fontSize: 13, fontWeight: 600, color: '#344054' },
          root: { fontSize: 14, fontWeight: 700, color: '#1f5fbf' },
        },
      },
    }],
  };
}
