// The monthly chain brief (产业链运行监测简报, issue 14 item 7): a page made for paper — A4 wide on
// the screen too, so its charts are drawn at the size they print — of one chain or of all the
// chains the user reads: key figures, charts, changes since last month, gaps with 招商 targets,
// resilience, and how "last month" is computed. Its data is GET /api/v1/brief (the CLI's
// `chain brief --format json`). Address: #/brief?chain=ID|all&scope=&month=YYYY-MM
import { t, pick, isZh } from '../i18n.js';
import { api, errorText } from '../api.js';
import { h, fmtInt, fmtMoney, fmtPct, moneyAxis, chart, hashWith, errorPanel, isNum } from '../util.js';
import { scopeSelector, className, classBadge, kindName, signedPct, CLASS_COLOR, CLASSES } from '../chainkit.js';
import { table } from '../table.js';
import { asOfLine } from '../asof.js';

const nm = (o) => (o ? pick(o.zh, o.en) : '');
// "A（B，C）" in Chinese, "A (B, C)" in English.
const paren = (a, ...rest) => (isZh() ? a + '（' + rest.join('，') + '）' : a + ' (' + rest.join(', ') + ')');

export async function render({ main, query, alive }) {
  const chainId = query.chain && query.chain !== 'all' ? query.chain : '';
  const scope = query.scope || '';
  const month = /^\d{4}-\d{2}$/.test(query.month || '') ? query.month : '';
  const go = (patch) => { location.hash = hashWith('/brief', { chain: chainId || 'all', scope, month, ...patch }); };

  let cat, b;
  try {
    [cat, b] = await Promise.all([
      api('/chains'),
      api('/brief', { query: { chain: chainId || 'all', scope, month } }),
    ]);
  } catch (e) {
    if (alive()) main.appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  const chains = Array.isArray(cat) ? cat : (cat.items || cat.chains || []);

  // The controls: on the screen only.
  const chainSel = h('select', { id: 'brief-chain', testid: 'brief-chain', onchange: () => go({ chain: chainSel.value }) },
    h('option', { value: 'all' }, t('brief.all')),
    chains.map((c) => h('option', { value: c.id, selected: c.id === chainId }, pick(c.name_zh, c.name_en))));
  const monthIn = h('input', { type: 'month', id: 'brief-month', testid: 'brief-month', value: month || b.month, onchange: () => go({ month: monthIn.value }) });
  main.appendChild(h('div', { class: 'panel brief-controls no-print', testid: 'brief-controls' },
    h('div', { class: 'form-actions', style: { marginTop: 0 } },
      h('label', { for: 'brief-chain' }, t('brief.chain')), chainSel,
      h('label', { for: 'brief-month' }, t('brief.month')), monthIn,
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'btn btn-primary', testid: 'brief-print', onclick: () => window.print() }, '🖶 ' + t('brief.print'))),
    scopeSelector(scope, null, (s) => go({ scope: s }))));

  const one = b.detail && b.chains.length === 1 ? b.chains[0] : null;
  const paper = h('article', { class: 'brief', testid: 'brief' }, asOfLine(b.as_of));
  main.appendChild(paper);
  paper.appendChild(h('header', { class: 'brief-head' },
    h('h1', { testid: 'brief-title' }, nm(b.title)),
    h('div', { class: 'brief-name', testid: 'brief-name' }, one ? nm(one.name) : t('brief.all')),
    h('div', { class: 'muted', testid: 'brief-subtitle' }, t('brief.subtitle', { scope: nm(b.scope), month: b.month, prev: b.previous_month, year: b.year })),
    h('div', { class: 'muted small' }, t('brief.issued', { time: new Date().toLocaleString(isZh() ? 'zh-CN' : 'en-GB') }))));

  const charts = [];
  if (one) chainBrief(paper, b, one, charts);
  else allBrief(paper, b, charts, scope);
  paper.appendChild(h('section', { class: 'brief-section', testid: 'brief-basis' },
    h('h2', null, t('brief.s.basis')), h('p', { class: 'small' }, nm(b.basis))));
  for (const [el, option] of charts) chart(el, { animation: false, ...option });
}

const card = (label, value, testid, sub) => h('div', { class: 'card', testid },
  h('div', { class: 'card-label' }, t(label)), h('div', { class: 'card-value' }, value), sub ? h('div', { class: 'muted small card-sub' }, sub) : null);

const changeCell = (v) => h('span', { class: isNum(v) ? (v < 0 ? 'neg' : 'pos') : '' }, signedPct(v));

// Key figures of one chain or of several (summed; rates over the chains' totals).
function figures(list) {
  const sum = (f) => list.reduce((a, c) => a + (isNum(f(c)) ? f(c) : 0), 0);
  const output = sum((c) => c.figures.output);
  const cur = sum((c) => c.month.output), prev = sum((c) => c.month.previous), ago = sum((c) => c.month.year_ago);
  const gaps = sum((c) => c.figures.weak + c.figures.missing);
  const one = list.length === 1 ? list[0].figures : null;
  return h('div', { class: 'cards brief-cards', testid: 'brief-figures' },
    one ? null : card('brief.k.chains', fmtInt(list.length), 'bk-chains'),
    card(one ? 'brief.k.enterprises' : 'brief.k.enterprises_sum', fmtInt(sum((c) => c.figures.enterprises)), 'bk-enterprises'),
    card(one ? 'brief.k.output' : 'brief.k.output_sum', fmtMoney(output), 'bk-output', one ? t('brief.k.yoy') + ' ' + signedPct(one.yoy) : null),
    one ? card('brief.k.completeness', fmtPct(one.completeness), 'bk-completeness') : null,
    one ? card('brief.k.coverage', fmtPct(one.local_coverage), 'bk-coverage') : null,
    card(one ? 'brief.k.month_output' : 'brief.k.month_output_sum', fmtMoney(cur), 'bk-month-output'),
    card('brief.k.month_change', changeCell(prev > 0 ? cur / prev - 1 : NaN), 'bk-month-change'),
    card('brief.k.month_yoy', changeCell(ago > 0 ? cur / ago - 1 : NaN), 'bk-month-yoy'),
    card('brief.k.new', fmtInt(sum((c) => c.new_enterprises)), 'bk-new'),
    card('brief.k.gaps', fmtInt(gaps), 'bk-gaps'));
}

// A chart with its title, kept together on paper.
const fig = (key, el) => h('figure', { class: 'brief-fig' }, h('h3', null, t(key)), el);

const section = (key, testid, ...children) => h('section', { class: 'brief-section', testid }, h('h2', null, t(key)), ...children);

function chainBrief(paper, b, c, charts) {
  paper.appendChild(section('brief.s.figures', 'brief-s-figures', figures([c])));

  // Charts: the top-level links this month against last month; the links by class.
  const top = c.nodes.filter((n) => n.depth === 0);
  const nodeEl = h('div', { class: 'chart brief-chart', testid: 'brief-chart-nodes', id: 'brief-chart-nodes' });
  const clsEl = h('div', { class: 'chart brief-chart brief-chart-small', testid: 'brief-chart-classes', id: 'brief-chart-classes' });
  paper.appendChild(section('brief.s.charts', 'brief-s-charts',
    fig('brief.c.month_by_node', nodeEl), fig('brief.c.classes', clsEl)));
  charts.push([nodeEl, {
    tooltip: { trigger: 'axis' }, legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: top.map((n) => nm(n.name)), axisLabel: { interval: 0, rotate: top.length > 6 ? 30 : 0, fontSize: 11 } },
    yAxis: { type: 'value', axisLabel: { formatter: moneyAxis } },
    series: [
      { name: t('brief.last_month'), type: 'bar', data: top.map((n) => n.month.previous), color: '#9bb4dc' },
      { name: t('brief.this_month'), type: 'bar', data: top.map((n) => n.month.output), color: '#1f5fbf' },
    ],
  }]);
  charts.push([clsEl, {
    tooltip: { trigger: 'item' }, legend: { right: 0, orient: 'vertical', top: 'middle' },
    series: [{ type: 'pie', radius: ['40%', '70%'], center: ['40%', '50%'], label: { formatter: '{b} {c}' },
      data: CLASSES.map((k) => ({ name: className(k), value: c.figures[k] || 0, itemStyle: { color: CLASS_COLOR[k] } })) }],
  }]);

  paper.appendChild(section('brief.s.changes', 'brief-s-changes', table(c.nodes, {
    testid: 'brief-nodes', cards: false, class: 'data-compact',
    columns: [
      { key: 'node', label: t('brief.col.node'), render: (n) => h('span', { style: { paddingLeft: n.depth * 12 + 'px' } }, nm(n.name)) },
      { key: 'class', label: t('brief.col.class'), render: (n) => classBadge(n.class) },
      { key: 'output', label: t('brief.col.month_output'), align: 'num', sort: (n) => n.month.output, render: (n) => fmtMoney(n.month.output) },
      { key: 'previous', label: t('brief.col.previous'), align: 'num', sort: (n) => n.month.previous, render: (n) => fmtMoney(n.month.previous) },
      { key: 'change', label: t('brief.col.change'), align: 'num', sort: (n) => n.month.change, render: (n) => changeCell(n.month.change) },
    ],
  })));

  const gaps = c.gaps || [];
  paper.appendChild(section('brief.s.gaps', 'brief-s-gaps', gaps.length ? table(gaps, {
    testid: 'brief-gaps', cards: false, class: 'data-compact',
    columns: [
      { key: 'node', label: t('brief.col.node'), render: (g) => [h('strong', null, nm(g.name)), ' ', classBadge(g.class)] },
      { key: 'reason', label: t('brief.col.reason'), class: 'small', render: (g) => nm(g.reason) },
      { key: 'targets', label: t('brief.col.targets'), class: 'small', render: (g) => (g.targets.length
        ? h('ol', { class: 'brief-targets' }, g.targets.map((x) => h('li', null, paren(x.name || x.uscc, x.region_name, kindName(x.kind)))))
        : t('brief.no_targets')) },
    ],
  }) : h('p', { class: 'muted' }, t('brief.no_gaps'))));

  paper.appendChild(section('brief.s.resilience', 'brief-s-resilience', resilience(c.resilience)));
}

function resilience(r) {
  if (!r) return h('p', { class: 'muted' }, t('brief.none'));
  return [
    h('div', { class: 'stats' },
      stat('brief.r.inputs', fmtInt(r.inputs)), stat('brief.r.single', fmtInt(r.single)),
      stat('brief.r.market_hhi', isNum(r.market_hhi) ? fmtInt(r.market_hhi) : '—'), stat('brief.r.outside', fmtPct(r.outside_share)),
      stat('brief.r.spof', fmtInt(r.spof_count))),
    h('p', { class: 'muted small' }, t('brief.r.spof_help')),
    r.spof && r.spof.length ? table(r.spof, {
      testid: 'brief-spof', cards: false, class: 'data-compact',
      columns: [
        { key: 'name', label: t('brief.col.supplier'), render: (x) => (x.name || x.uscc) + ' · ' + x.region_name },
        { key: 'downstream_loss', label: t('risk.col.downstream_loss'), align: 'num', render: (x) => fmtMoney(x.downstream_loss) },
        { key: 'dominated', label: t('brief.col.dominated'), align: 'num', render: (x) => fmtInt(x.dominated) },
        { key: 'value_at_risk', label: t('brief.col.value_at_risk'), align: 'num', render: (x) => fmtMoney(x.value_at_risk) },
      ],
    }) : null,
  ];
}

const stat = (key, v) => h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, t(key)), h('div', { class: 'stat-value' }, v));

function allBrief(paper, b, charts, scope) {
  const list = b.chains;
  paper.appendChild(section('brief.s.figures', 'brief-s-figures', figures(list)));
  const byChange = list.filter((c) => isNum(c.month.change)).sort((a, c) => c.month.change - a.month.change);
  const byOutput = list.filter((c) => isNum(c.month.output)).sort((a, c) => c.month.output - a.month.output).slice(0, 15);
  const changeEl = h('div', { class: 'chart brief-chart brief-chart-tall', testid: 'brief-chart-change', id: 'brief-chart-change' });
  const outEl = h('div', { class: 'chart brief-chart', testid: 'brief-chart-output', id: 'brief-chart-output' });
  paper.appendChild(section('brief.s.charts', 'brief-s-charts',
    fig('brief.c.month_by_chain', changeEl), fig('brief.c.output_by_chain', outEl)));
  charts.push([changeEl, {
    tooltip: { trigger: 'axis', valueFormatter: (v) => signedPct(v) },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v) => Math.round(v * 1000) / 10 + '%' } },
    yAxis: { type: 'category', inverse: true, data: byChange.map((c) => nm(c.name)), axisLabel: { fontSize: 10, interval: 0 } },
    series: [{ type: 'bar', data: byChange.map((c) => ({ value: c.month.change, itemStyle: { color: c.month.change < 0 ? '#d64545' : '#2e9e6a' } })) }],
  }]);
  charts.push([outEl, {
    tooltip: { trigger: 'axis' }, legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: byOutput.map((c) => nm(c.name)), axisLabel: { interval: 0, rotate: 35, fontSize: 10 } },
    yAxis: { type: 'value', axisLabel: { formatter: moneyAxis } },
    series: [
      { name: t('brief.last_month'), type: 'bar', data: byOutput.map((c) => c.month.previous), color: '#9bb4dc' },
      { name: t('brief.this_month'), type: 'bar', data: byOutput.map((c) => c.month.output), color: '#1f5fbf' },
    ],
  }]);
  paper.appendChild(section('brief.s.changes', 'brief-s-changes', table(list, {
    testid: 'brief-chains', cards: false, class: 'data-compact', sort: { key: 'change', order: 'desc' },
    row: (c) => ({ dataset: { chain: c.id } }),
    columns: [
      { key: 'name', label: t('brief.col.chain'), render: (c) => h('a', { href: hashWith('/brief', { chain: c.id, scope }) }, nm(c.name)) },
      { key: 'output', label: t('brief.col.month_output'), align: 'num', sort: (c) => c.month.output, render: (c) => fmtMoney(c.month.output) },
      { key: 'previous', label: t('brief.col.previous'), align: 'num', sort: (c) => c.month.previous, render: (c) => fmtMoney(c.month.previous) },
      { key: 'change', label: t('brief.col.change'), align: 'num', sort: (c) => c.month.change, render: (c) => changeCell(c.month.change) },
      { key: 'spof', label: t('brief.col.spof_count'), align: 'num', sort: (c) => (c.resilience ? c.resilience.spof_count : null), render: (c) => fmtInt(c.resilience ? c.resilience.spof_count : NaN) },
      { key: 'outside', label: t('brief.col.outside'), align: 'num', sort: (c) => (c.resilience ? c.resilience.outside_share : null), render: (c) => fmtPct(c.resilience ? c.resilience.outside_share : NaN) },
    ],
  })));
  const withGaps = list.filter((c) => c.gaps.length);
  paper.appendChild(section('brief.s.gaps', 'brief-s-gaps', withGaps.length ? table(withGaps, {
    testid: 'brief-gaps', cards: false, class: 'data-compact',
    columns: [
      { key: 'name', label: t('brief.col.chain'), render: (c) => nm(c.name) },
      { key: 'gaps', label: t('brief.col.gaps'), class: 'small', render: (c) => c.gaps.map((g) => paren(nm(g.name), className(g.class))).join(isZh() ? '、' : ', ') },
    ],
  }) : h('p', { class: 'muted' }, t('brief.no_gaps'))));
}
