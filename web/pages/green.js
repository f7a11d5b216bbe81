// 绿色低碳 (issue 16): a year's energy and carbon figures of the whole registry or one region
// (GET /api/v1/green/summary): energy intensity by district and by chain, the energy-intensity
// quartiles of the largest industry divisions (a box per division: min, Q1, median, Q3, P90),
// the energy and carbon trend, and the laggard screen (GET /api/v1/green/laggards) with each
// enterprise's reasons, and the green-factory self-assessments by district and chain
// (GET /api/v1/green/factory/summary, its latest year). Address: #/green?year=&region=
import { t, pick } from '../i18n.js';
import { api, errorText } from '../api.js';
import { h, clear, chart, axisTooltip, hashWith, errorPanel } from '../util.js';
import { num, count, pct } from '../format.js';
import { table } from '../table.js';
import { asOfLine } from '../asof.js';

const intensity = (v) => num(v, 4);

export async function render({ main, query, alive }) {
  const year = (query && query.year) || '';
  const region = (query && query.region) || '';
  const go = (q) => { location.hash = hashWith('/green', { year, region, ...q }); };
  main.appendChild(h('div', { class: 'muted', testid: 'loading' }, t('common.loading')));
  let d, lag, gf;
  try {
    [d, lag, gf] = await Promise.all([
      api('/green/summary', { query: { year, region } }),
      api('/green/laggards', { query: { year, region, limit: 500 } }),
      api('/green/factory/summary', { query: { region } }),
    ]);
  } catch (e) {
    if (alive()) clear(main).appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  main.textContent = '';

  // The scope: a year and a region code (50 Chongqing, 51 Sichuan, a district's 6 digits).
  const regionIn = h('input', { type: 'text', id: 'g-region', testid: 'green-region', value: region, size: 8, inputmode: 'numeric' });
  const yearIn = h('input', { type: 'text', id: 'g-year', testid: 'green-year', value: String(d.year || ''), size: 6, inputmode: 'numeric' });
  const form = h('form', { class: 'panel panel-tight', testid: 'green-scope' },
    h('div', { class: 'form-actions', style: { marginTop: 0 } },
      h('label', { for: 'g-year', class: 'muted' }, t('green.year')), yearIn,
      h('label', { for: 'g-region', class: 'muted' }, t('green.region')), regionIn,
      h('button', { type: 'submit', class: 'btn btn-sm btn-primary', testid: 'green-apply' }, t('common.search')),
      h('a', { class: 'btn btn-sm btn-ghost', href: '#/green' }, t('common.reset'))));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); go({ year: yearIn.value.trim(), region: regionIn.value.trim() }); });
  main.appendChild(form);
  main.appendChild(asOfLine(d.as_of)); // 数据截至 (web/asof.js)

  const tot = d.totals || {};
  const cards = [
    ['firms', count(tot.firms)],
    ['tce', num(tot.tce, 0) + ' ' + t('green.unit.tce')],
    ['intensity', intensity(tot.intensity) + ' ' + t('green.unit.intensity')],
    ['carbon_intensity', intensity(tot.carbon_intensity) + ' ' + t('green.unit.carbon_intensity')],
    ['flagged', count(tot.flagged)],
  ];
  main.appendChild(h('div', { class: 'cards', testid: 'green-totals' },
    cards.map(([k, v]) => h('div', { class: 'card', testid: 'green-total-' + k },
      h('div', { class: 'card-label' }, t('green.total.' + k)), h('div', { class: 'card-value' }, v)))));
  main.appendChild(h('p', { class: 'muted small', testid: 'green-note' }, t('green.note', { year: d.year })));

  // Intensity by district and by chain: bars, most intensive first.
  const bars = (rows, label) => {
    const r = rows.filter((x) => x.intensity != null).sort((a, b) => b.intensity - a.intensity).slice(0, 30).reverse();
    return {
      tooltip: { trigger: 'axis', formatter: axisTooltip(() => intensity) },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: r.map(label) },
      series: [
        { name: t('green.series.intensity'), type: 'bar', data: r.map((x) => x.intensity) },
        { name: t('green.series.carbon_intensity'), type: 'bar', data: r.map((x) => x.carbon_intensity) },
      ],
    };
  };
  const elDistrict = h('div', { class: 'chart chart-tall', testid: 'chart-green-district' });
  const elChain = h('div', { class: 'chart chart-tall', testid: 'chart-green-chain' });
  const elBox = h('div', { class: 'chart chart-tall', testid: 'chart-green-quartiles' });
  const elTrend = h('div', { class: 'chart', testid: 'chart-green-trend' });
  main.appendChild(h('section', { class: 'panel' }, h('h2', null, t('green.by_district')), elDistrict));
  main.appendChild(h('section', { class: 'panel' }, h('h2', null, t('green.by_chain')), elChain));
  main.appendChild(h('section', { class: 'panel' }, h('h2', null, t('green.quartiles')),
    h('p', { class: 'muted small' }, t('green.quartiles_note')), elBox));
  main.appendChild(h('section', { class: 'panel' }, h('h2', null, t('green.trend')), elTrend));
  chart(elDistrict, bars(d.districts || [], (x) => pick(x.name, x.name_en) || String(x.region)), { empty: t('green.empty') });
  chart(elChain, bars(d.chains || [], (x) => pick(x.name, x.name_en) || x.chain), { empty: t('green.empty') });

  // Quartiles: ECharts' boxplot takes [min, Q1, median, Q3, max]; the whisker top is P90 here,
  // so one extreme firm does not flatten the boxes (the tooltip gives the maximum too).
  const divs = d.divisions || [];
  chart(elBox, {
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const g = divs[p.dataIndex];
        return g ? `${g.code} ${pick(g.name, g.name_en)}<br>n = ${g.n}<br>Q1 ${intensity(g.q1)} · ${t('green.median')} ${intensity(g.median)} · Q3 ${intensity(g.q3)}<br>P90 ${intensity(g.p90)} · max ${intensity(g.max)}` : '';
      },
    },
    grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: divs.map((g) => g.code), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', name: t('green.unit.intensity') },
    series: [{ name: t('green.series.intensity'), type: 'boxplot', data: divs.map((g) => [g.min, g.q1, g.median, g.q3, g.p90]) }],
  }, { empty: t('green.empty') });

  const tr = (d.trend || []).slice().sort((a, b) => a.year - b.year);
  chart(elTrend, {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 16, right: 48, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: tr.map((x) => String(x.year)) },
    yAxis: [{ type: 'value', name: t('green.unit.intensity'), scale: true }, { type: 'value', name: t('green.unit.carbon_intensity'), scale: true }],
    series: [
      { name: t('green.series.intensity'), type: 'line', data: tr.map((x) => x.intensity) },
      { name: t('green.series.carbon_intensity'), type: 'line', yAxisIndex: 1, data: tr.map((x) => x.carbon_intensity) },
    ],
  }, { empty: t('green.empty') });

  // 绿色制造名单: enterprises recognised, by kind and level (national, municipal).
  const rec = d.recognitions || [];
  main.appendChild(h('section', { class: 'panel', testid: 'green-recognitions' }, h('h2', null, t('green.recognitions')),
    table(rec, {
      testid: 'green-recognition-table',
      row: (x) => ({ testid: 'recognition-row', dataset: { kind: x.kind, level: x.level } }),
      columns: [
        { key: 'kind', label: t('green.col.kind'), render: (x) => pick(x.kind_zh, x.kind_en) },
        { key: 'level', label: t('green.col.level'), render: (x) => pick(x.level_zh, x.level_en) },
        { key: 'enterprises', label: t('green.col.enterprises'), align: 'num', sort: true, render: (x) => count(x.enterprises), exportType: 'number' },
      ],
    })));

  // 绿色工厂自评价 (GB/T 36132-2018): the latest year's self-assessments by district and
  // chain — assessed, eligible (every basic and mandatory requirement met), basic failed, mean.
  const gfRows = (rows, label) => table(rows, {
    testid: 'gf-table',
    row: (x) => ({ testid: 'gf-row', dataset: { key: String(x.region || x.chain) } }),
    export: { name: t('gf.page.title'), title: t('gf.page.title') },
    columns: [
      { key: 'name', label: t('gf.col.area'), sort: true, render: label, exportValue: label },
      { key: 'assessed', label: t('gf.col.assessed'), align: 'num', sort: true, render: (x) => count(x.assessed), exportType: 'number' },
      { key: 'eligible', label: t('gf.col.eligible'), align: 'num', sort: true, render: (x) => count(x.eligible), exportType: 'number' },
      { key: 'basic_failed', label: t('gf.col.basic_failed'), align: 'num', sort: true, render: (x) => count(x.basic_failed), exportType: 'number' },
      { key: 'mean_score', label: t('gf.col.mean_score'), align: 'num', sort: true, render: (x) => num(x.mean_score, 1), exportType: 'number' },
    ],
    empty: t('gf.page.none'),
  });
  const gt = gf.totals || {};
  main.appendChild(h('section', { class: 'panel', testid: 'green-factory' }, h('h2', null, t('gf.page.title')),
    gt.assessed
      ? h('p', { class: 'muted small', testid: 'gf-totals', dataset: { assessed: String(gt.assessed), eligible: String(gt.eligible) } },
        t('gf.page.note', { year: gf.year, assessed: count(gt.assessed), eligible: count(gt.eligible), basic_failed: count(gt.basic_failed) }))
      : h('p', { class: 'muted small', testid: 'gf-totals' }, t('gf.page.none')),
    h('h3', null, t('gf.by_district')),
    h('div', { testid: 'gf-districts' }, gfRows(gf.districts || [], (x) => pick(x.name, x.name_en) || String(x.region))),
    h('h3', null, t('gf.by_chain')),
    h('div', { testid: 'gf-chains' }, gfRows(gf.chains || [], (x) => pick(x.name, x.name_en) || x.chain))));

  // The laggard screen: flagged first, then near misses, each with its reasons.
  const items = lag.items || [];
  const reasons = (x) => (x.reasons || []).map((r) => pick(r.reason_zh, r.reason_en));
  main.appendChild(h('section', { class: 'panel', testid: 'green-laggards' },
    h('h2', null, t('green.laggards')),
    h('p', { class: 'muted small', testid: 'green-laggards-count' }, t('green.laggards_count', { flagged: lag.flagged, near: lag.near, margin: pct(lag.margin, 0) })),
    table(items, {
      testid: 'green-laggard-table',
      pageSize: 20,
      row: (x) => ({ testid: 'laggard-row', dataset: { uscc: x.uscc, status: x.status } }),
      filter: { text: (x) => [x.name, x.uscc, x.industry].join(' '), placeholder: t('green.filter'), testid: 'green-filter' },
      export: { name: t('green.laggards'), title: t('green.laggards') },
      columns: [
        { key: 'status', label: t('green.col.status'), sort: true, render: (x) => h('span', { class: 'badge' + (x.status === 'near' ? '' : ' badge-off') }, t('green.status.' + x.status)), exportValue: (x) => t('green.status.' + x.status) },
        { key: 'name', label: t('green.col.enterprise'), sort: true, render: (x) => h('a', { href: '#/enterprise/' + encodeURIComponent(x.uscc) }, x.name) },
        { key: 'industry', label: t('green.col.industry'), sort: true },
        { key: 'intensity', label: t('green.col.intensity'), align: 'num', sort: true, render: (x) => intensity(x.intensity), exportType: 'number' },
        { key: 'percentile', label: t('green.col.percentile'), align: 'num', sort: true, render: (x) => pct(x.percentile, 0), exportType: 'percent' },
        { key: 'reasons', label: t('green.col.reasons'), render: (x) => h('ul', { class: 'reasons small', testid: 'laggard-reasons' }, reasons(x).map((s) => h('li', null, s))), exportValue: (x) => reasons(x).join('；') },
      ],
      empty: t('green.no_laggards'),
    })));
}
