// Evaluation: pick a model, run it (GET /api/v1/models/{model}/run), page through the ranking,
// and see one enterprise's score broken down by indicator; the model's weights as a bar chart.
import { t, pick } from '../i18n.js';
import { api, errorText } from '../api.js';
import { h, clear, chart, fmtNum, fmtInt, fmtPct, score, errorPanel, hashWith, escapeHtml, isNum } from '../util.js';
import { evalTabs, tierBadge, tierName, nearBadge, fmtVal } from '../evalkit.js';
import { table } from '../table.js';
import { methodNotes } from '../methods.js';

const PAGE = 50;

export async function render({ main, query, alive }) {
  main.appendChild(evalTabs('run'));
  const loading = h('div', { class: 'muted', testid: 'loading' }, t('common.loading'));
  main.appendChild(loading);
  const models = await api('/models');
  if (!alive()) return;
  loading.remove();
  if (!models.length) { main.appendChild(h('p', { class: 'muted' }, t('eval.no_models'))); return; }

  const modelId = models.some((m) => m.id === query.model) ? query.model : '';
  const select = h('select', { id: 'model-select', testid: 'model-select', 'aria-label': t('eval.model') },
    h('option', { value: '' }, t('eval.pick_model')),
    models.map((m) => h('option', { value: m.id, selected: m.id === modelId }, pick(m.name_zh, m.name_en))));
  const runBtn = h('button', {
    type: 'button', class: 'btn btn-primary', testid: 'model-run',
    onclick: () => { if (select.value) location.hash = hashWith('/eval', { model: select.value, t: Date.now() % 100000 }); },
  }, t('eval.run'));
  const model = models.find((m) => m.id === modelId);
  main.appendChild(h('section', { class: 'panel', testid: 'model-picker' },
    h('div', { class: 'form-grid' },
      h('div', { class: 'field field-wide' }, h('label', { for: 'model-select' }, t('eval.model')), select),
      h('div', { class: 'field' }, runBtn)),
    model ? h('p', { class: 'muted small', testid: 'model-source', style: { marginTop: '10px', marginBottom: 0 } },
      t('eval.source') + (pick(model.source_zh, model.source_en) || t('common.unknown'))) : null));
  if (!model) {
    main.appendChild(h('p', { class: 'muted', testid: 'eval-hint' }, t('eval.pick_hint')));
    return;
  }

  const perChain = (id) => { const tr = (model.tiers || []).find((x) => x.id === id); return !!tr && isNum(tr.top_k_per_chain); };
  const indById = new Map((model.indicators || []).map((i) => [i.id, i]));
  const indName = (id) => { const i = indById.get(id); return i ? pick(i.name_zh, i.name_en) : id; };

  const summary = h('div', { class: 'muted', testid: 'run-summary' });
  // Each tier's rule, so a tier that does not follow the overall rank says why.
  const rule = (tr) => [
    isNum(tr.top_k_per_chain) ? t('eval.rule.top_k', { k: tr.top_k_per_chain }) : null,
    isNum(tr.top_share) ? (tr.top_share >= 1 ? t('eval.rule.top_share_all') : t('eval.rule.top_share', { share: fmtPct(tr.top_share, 0) })) : null,
    isNum(tr.min_score) ? t('eval.rule.min_score', { score: score(tr.min_score) }) : null,
  ].filter(Boolean).join(' · ');
  const tierRules = h('p', { class: 'muted small', testid: 'tier-rules' }, t('eval.tier_rules'),
    (model.tiers || []).map((tr, i) => [i ? t('eval.rule.sep') : '', h('span', { testid: 'tier-rule', dataset: { tier: tr.id } }, tierName(model, tr.id) + ' = ' + rule(tr))]));
  const tableBox = h('div');
  const pagerBox = h('div');
  const weightsEl = h('div', { class: 'chart chart-short', testid: 'weights-chart', id: 'weights-chart' });
  const breakdown = h('section', { class: 'panel', testid: 'breakdown' },
    h('h2', null, t('eval.breakdown')), h('p', { class: 'muted', testid: 'breakdown-hint' }, t('eval.breakdown_hint')));
  main.appendChild(h('div', { class: 'grid-2' },
    h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', null, t('eval.ranking')), summary), tierRules, tableBox, pagerBox),
    h('div', { class: 'stack' }, breakdown,
      h('section', { class: 'panel' }, h('h2', null, t('eval.weights')), weightsEl))));
  main.appendChild(methodNotes(['ranking', 'weights']));

  let selected = null;
  let shown = 0; // the breakdown asked for last (a quicker click wins)
  const tierIndex = (id) => { const k = (model.tiers || []).findIndex((x) => x.id === id); return k < 0 ? null : k; };

  // The whole run in one request without the indicators (the table sorts, filters and pages
  // it); a row's breakdown is the run's row at its position, asked for when it is opened.
  async function load() {
    clear(tableBox).appendChild(h('div', { class: 'muted' }, t('common.loading')));
    let run;
    const items = [];
    try {
      let cur = '';
      do {
        run = await api('/models/' + encodeURIComponent(model.id) + '/run', { query: { limit: 20000, cursor: cur, indicators: 0 } });
        items.push(...(run.items || []));
        cur = run.next_cursor || '';
      } while (cur && items.length < 200000);
    } catch (e) {
      if (!alive()) return;
      clear(tableBox).appendChild(errorPanel(errorText(e)));
      return;
    }
    if (!alive()) return;
    summary.textContent = t(run.screened === run.evaluated ? 'eval.run_summary_all' : 'eval.run_summary', {
      year: run.year, screened: fmtInt(run.screened), evaluated: fmtInt(run.evaluated), met: fmtInt(run.met), selected: fmtInt(run.selected),
    });
    drawWeights(run.weights || {});
    clear(tableBox).appendChild(table(items, {
      testid: 'run-table', empty: t('eval.no_rows'), pageSize: PAGE, pagerTestid: 'run',
      sort: { key: 'rank', order: 'asc' },
      filter: { text: (it) => [it.name, it.uscc, it.tier ? tierName(model, it.tier) : ''].join(' '), testid: 'run-filter', placeholder: t('eval.filter') },
      // the whole run (as filtered and sorted here)
      export: {
        name: t('eval.ranking') + ' ' + pick(model.name_zh, model.name_en),
        filters: [[t('eval.model'), pick(model.name_zh, model.name_en)], [t('common.year'), run.year]],
      },
      row: (it) => ({ testid: 'run-row', dataset: { uscc: it.uscc } }),
      open: (it, tr) => show(it, tr),
      columns: [
        { key: 'rank', label: t('eval.col.rank'), align: 'num', sort: true, first: 'asc', render: (it) => fmtInt(it.rank) },
        { key: 'name', label: t('ent.col.name'), class: 'col-name', sort: (it) => it.name || it.uscc,
          render: (it) => h('a', { href: '#/enterprise/' + encodeURIComponent(it.uscc), testid: 'profile-link' }, it.name || it.uscc) },
        { key: 'tier', label: t('eval.col.tier'), sort: (it) => tierIndex(it.tier), first: 'asc', exportValue: (it) => (it.tier ? tierName(model, it.tier) : t('eval.no_tier')),
          render: (it) => (it.tier ? [tierBadge(model, it.tier), perChain(it.tier) && isNum(it.chain_rank) ? h('span', { class: 'muted small', testid: 'chain-rank' }, ' ' + t('eval.chain_rank', { n: it.chain_rank })) : null] : h('span', { class: 'muted' }, t('eval.no_tier'))) },
        { key: 'score', label: t('eval.col.score') + t('fmt.score_scale'), align: 'num', sort: true, render: (it) => score(it.score) },
        { key: 'flags', label: t('eval.col.flags'), sort: (it) => (it.near_candidate ? 1 : 0), render: (it) => (it.near_candidate ? nearBadge() : null) },
      ],
    }));
    clear(pagerBox);
    if (items.length) show(items[0], tableBox.querySelector('tbody tr'));
  }

  function drawWeights(w) {
    const ids = (model.indicators || []).map((i) => i.id).filter((id) => id in w);
    chart(weightsEl, {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => fmtNum(v, 4) },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', max: (v) => Math.min(1, Math.ceil(v.max * 10) / 10 || 1) },
      yAxis: { type: 'category', inverse: true, data: ids.map(indName) },
      series: [{ name: t('eval.weight'), type: 'bar', barMaxWidth: 16, data: ids.map((id) => w[id]), color: '#8d5bd1' }],
    });
  }

  async function show(row, tr) {
    if (selected) selected.classList.remove('selected');
    selected = tr;
    if (tr) tr.classList.add('selected');
    const ask = ++shown;
    let it = row;
    try {
      const r = await api('/models/' + encodeURIComponent(model.id) + '/run', { query: { limit: 1, cursor: String(row.position) } });
      if ((r.items || [])[0] && r.items[0].uscc === row.uscc) it = r.items[0];
    } catch (_) { /* the breakdown stays without indicators */ }
    if (!alive() || ask !== shown) return;
    const inds = it.indicators || [];
    const el = h('div', { class: 'chart', testid: 'breakdown-chart', id: 'breakdown-chart' });
    clear(breakdown).append(
      h('div', { class: 'panel-head' },
        h('h2', null, t('eval.breakdown_of', { name: it.name || it.uscc })),
        h('span', null, it.tier ? tierBadge(model, it.tier) : null, ' ', h('strong', { testid: 'breakdown-score' }, score(it.score)))),
      el,
      table(inds, {
        testid: 'breakdown-table', export: { name: t('eval.breakdown_of', { name: it.name || it.uscc }), filters: [[t('eval.model'), pick(model.name_zh, model.name_en)]] },
        row: (x) => ({ dataset: { indicator: x.id } }),
        columns: [
          { key: 'indicator', label: t('eval.col.indicator'), sort: (x) => indName(x.id), render: (x) => indName(x.id) },
          { key: 'value', label: t('eval.col.value'), align: 'num', sort: true, render: (x) => fmtVal(x.value) },
          { key: 'normalized', label: t('eval.col.normalized'), align: 'num', sort: true, render: (x) => fmtNum(x.normalized, 4) },
          { key: 'contribution', label: t('eval.col.contribution'), align: 'num', sort: true, render: (x) => fmtNum(x.contribution, 4) },
        ],
      }));
    chart(el, {
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          const x = inds[p.dataIndex];
          return `${escapeHtml(indName(x.id))}<br>${escapeHtml(t('eval.col.value'))}: <b>${escapeHtml(fmtVal(x.value))}</b>`
            + `<br>${escapeHtml(t('eval.col.normalized'))}: ${escapeHtml(fmtNum(x.normalized, 4))}`
            + `<br>${escapeHtml(t('eval.col.contribution'))}: <b>${escapeHtml(fmtNum(x.contribution, 4))}</b>`;
        },
      },
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', inverse: true, data: inds.map((x) => indName(x.id)) },
      series: [{
        name: t('eval.col.contribution'), type: 'bar', barMaxWidth: 18,
        data: inds.map((x) => (isNum(x.contribution) ? x.contribution : 0)),
        label: { show: true, position: 'right', formatter: (p) => fmtNum(p.value, 3) },
      }],
    });
  }

  await load();
}
