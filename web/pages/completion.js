// Reporting completion (填报进度) for the commission: per plan and period, reported / pending /
// overdue in total, by district and by chain, the overdue firms with their accounts and contact
// (exportable), a chart of the last 12 periods; staff who edit may send reminders, open a
// period and create a plan.
// Address: #/completion?plan=ID&period=YYYY-MM
import { t, pick } from '../i18n.js';
import { api, errorText } from '../api.js';
import { h, errorPanel, statusBox, hashWith, chart, fmtInt } from '../util.js';
import { table } from '../table.js';
import { can, EDIT } from '../routes.js';

export async function render({ main, query, user, alive }) {
  let plans;
  try {
    plans = (await api('/report-plans')).plans || [];
  } catch (e) {
    if (alive()) main.appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  const editor = can(user, EDIT);
  if (!plans.length) {
    main.appendChild(h('section', { class: 'panel', testid: 'completion-empty' }, h('p', { class: 'muted' }, t('rep.no_plans'))));
    if (editor) main.appendChild(planForm());
    return;
  }
  const plan = plans.find((p) => String(p.id) === query.plan) || plans[plans.length - 1];
  let d;
  try {
    d = await api('/report-plans/' + plan.id + '/completion', { query: { period: query.period } });
  } catch (e) {
    if (alive()) main.appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;

  const go = (q) => { location.hash = hashWith('/completion', { plan: plan.id, period: d.period, ...q }); };
  const planSel = h('select', { id: 'c-plan', testid: 'completion-plan' },
    plans.map((p) => h('option', { value: String(p.id), selected: p.id === plan.id }, p.name)));
  planSel.addEventListener('change', () => go({ plan: planSel.value, period: '' }));
  const periods = (d.series || []).map((s) => s.period).reverse();
  const perSel = h('select', { id: 'c-period', testid: 'completion-period' },
    periods.map((p) => h('option', { value: p, selected: p === d.period }, p)));
  perSel.addEventListener('change', () => go({ period: perSel.value }));
  main.appendChild(h('section', { class: 'panel panel-tight', testid: 'completion-filters' },
    h('div', { class: 'form-actions', style: { marginTop: 0 } },
      h('label', { for: 'c-plan', class: 'muted' }, t('rep.plan')), planSel,
      h('label', { for: 'c-period', class: 'muted' }, t('rep.period')), perSel)));

  const cards = ['total', 'reported', 'pending', 'overdue'];
  main.appendChild(h('div', { class: 'cards', testid: 'completion-counts' },
    cards.map((k) => h('div', { class: 'card', testid: 'completion-' + k },
      h('div', { class: 'card-label' }, t('rep.col.' + k)), h('div', { class: 'card-value' }, fmtInt(d[k]))))));
  main.appendChild(h('p', { class: 'muted small', testid: 'completion-note' },
    t('rep.totals', { period: d.period || '—', total: fmtInt(d.total), reported: fmtInt(d.reported), accepted: fmtInt(d.accepted), pending: fmtInt(d.pending), overdue: fmtInt(d.overdue) })));

  const el = h('div', { class: 'chart', testid: 'completion-chart' });
  main.appendChild(h('section', { class: 'panel' }, h('h2', null, t('rep.chart')), el));
  const series = d.series || [];
  chart(el, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: series.map((s) => s.period) },
    yAxis: { type: 'value', minInterval: 1 },
    series: ['reported', 'pending', 'overdue'].map((k, i) => ({
      name: t('rep.col.' + k), type: 'bar', stack: 'n', data: series.map((s) => s[k]),
      itemStyle: { color: ['#2e9e6a', '#9aa6b8', '#c94a4a'][i] },
    })),
  }, { empty: t('rep.chart_empty') });

  const countCols = ['total', 'reported', 'pending', 'overdue'].map((k) => ({ key: k, label: t('rep.col.' + k), align: 'num', sort: true, render: (r) => fmtInt(r[k]), exportValue: (r) => r[k], exportType: 'number' }));
  const about = [[t('rep.plan'), plan.name], [t('rep.period'), d.period]];
  main.appendChild(h('div', { class: 'grid-2' },
    h('section', { class: 'panel' }, h('h2', null, t('rep.by_district')),
      table(d.by_district || [], {
        testid: 'completion-districts', pageSize: 15,
        export: { name: t('rep.title_completion') + ' ' + t('rep.by_district'), filters: () => about, testid: 'completion-districts-export' },
        columns: [{ key: 'name', label: t('rep.col.district'), sort: true, render: (r) => pick(r.name, r.name_en) || String(r.region), exportValue: (r) => pick(r.name, r.name_en) || String(r.region) }, ...countCols],
      })),
    h('section', { class: 'panel' }, h('h2', null, t('rep.by_chain')),
      table(d.by_chain || [], {
        testid: 'completion-chains', pageSize: 15,
        export: { name: t('rep.title_completion') + ' ' + t('rep.by_chain'), filters: () => about, testid: 'completion-chains-export' },
        columns: [{ key: 'chain', label: t('rep.col.chain'), sort: true, render: (r) => pick(r.name_zh, r.name_en), exportValue: (r) => pick(r.name_zh, r.name_en) }, ...countCols],
      }))));

  const late = d.overdue_firms || [];
  main.appendChild(h('section', { class: 'panel', testid: 'completion-overdue' },
    h('div', { class: 'panel-head' }, h('h2', null, t('rep.overdue_firms') + ' (' + fmtInt(late.length) + ')')),
    table(late, {
      testid: 'completion-overdue-table', pageSize: 20, emptyTestid: 'completion-overdue-empty',
      filter: { text: (r) => [r.name, r.uscc, r.region_name, r.region_name_en].join(' '), testid: 'completion-overdue-filter' },
      export: { name: t('rep.overdue_firms'), filters: () => about, testid: 'completion-overdue-export' },
      columns: [
        { key: 'name', label: t('rep.col.enterprise'), sort: true, render: (r) => h('a', { href: '#/reports?id=' + r.report }, r.name), exportValue: (r) => r.name },
        { key: 'uscc', label: t('rep.col.credit_code'), sort: true },
        { key: 'region_name', label: t('rep.col.district'), sort: true, render: (r) => pick(r.region_name, r.region_name_en), exportValue: (r) => pick(r.region_name, r.region_name_en) },
        { key: 'due', label: t('rep.col.due'), sort: true },
        { key: 'days_overdue', label: t('rep.col.days_overdue'), align: 'num', sort: true, exportType: 'number' },
        { key: 'accounts', label: t('rep.col.accounts'), render: (r) => r.accounts || '—', exportValue: (r) => r.accounts || '' },
        { key: 'contact', label: t('rep.col.contact'), render: (r) => r.contact || '—', exportValue: (r) => r.contact || '' },
      ],
    })));

  if (editor) main.appendChild(bulk(plan, d.period));
  if (editor) main.appendChild(actions(plan, go));
}

// Bulk (a district officer): the period's XLSX of a region's firms, filled and uploaded back;
// every filled row is submitted under the form's rules, refused rows listed with line, column
// and reason (the importer's reject report).
function bulk(plan, period) {
  const status = statusBox('bulk-message');
  const region = h('input', { type: 'text', id: 'b-region', testid: 'bulk-region', size: 8, inputmode: 'numeric', placeholder: '500112' });
  const link = h('a', { class: 'btn', testid: 'bulk-template', href: '#' }, t('rep.bulk_template'));
  link.addEventListener('click', (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams({ period });
    if (region.value.trim()) q.set('region', region.value.trim());
    location.href = '/api/v1/report-plans/' + plan.id + '/template?' + q;
  });
  const file = h('input', { type: 'file', id: 'b-file', testid: 'bulk-file', accept: '.csv,.xlsx' });
  const result = h('div', { testid: 'bulk-result' });
  const up = h('button', { type: 'button', class: 'btn btn-primary', testid: 'bulk-upload' }, t('rep.bulk_upload'));
  up.addEventListener('click', async () => {
    const f = file.files && file.files[0];
    if (!f) { status.show('error', t('rep.bulk_no_file')); return; }
    up.disabled = true;
    try {
      const type = /\.xlsx$/i.test(f.name) ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
      const r = await api('/report-plans/' + plan.id + '/upload', { method: 'POST', query: { period, filename: f.name }, body: f, headers: { 'Content-Type': type } });
      status.show(r.rejected ? 'error' : 'ok', t('rep.bulk_done', { rows: fmtInt(r.rows), accepted: fmtInt(r.accepted), rejected: fmtInt(r.rejected), skipped: fmtInt(r.skipped) }));
      result.replaceChildren(r.rejected ? table(r.rejects || [], {
        testid: 'bulk-rejects', pageSize: 20,
        columns: [
          { key: 'line', label: t('rep.col.line'), align: 'num' },
          { key: 'column', label: t('rep.col.column') },
          { key: 'value', label: t('rep.col.cell') },
          { key: 'reason', label: t('rep.col.reason'), render: (x) => pick(x.reason_zh, x.reason_en) },
        ],
      }) : '', r.rejects_url ? h('a', { href: r.rejects_url, testid: 'bulk-rejects-csv' }, t('rep.bulk_rejects_csv')) : '');
    } catch (e) {
      status.show('error', errorText(e));
    } finally {
      up.disabled = false;
    }
  });
  return h('section', { class: 'panel', testid: 'completion-bulk' },
    h('h2', null, t('rep.bulk')),
    h('div', { class: 'form-actions', style: { marginTop: 0 } },
      h('label', { for: 'b-region', class: 'muted' }, t('rep.bulk_region')), region, link,
      h('label', { for: 'b-file', class: 'muted' }, t('rep.bulk_file')), file, up),
    status, result);
}

// Reminders and opening a period (admin, analyst), and a new plan.
function actions(plan, go) {
  const status = statusBox('completion-message');
  const per = h('input', { type: 'text', id: 'c-open', testid: 'completion-open-period', placeholder: t('rep.period_placeholder'), size: 10 });
  const remind = async (ev) => {
    ev.currentTarget.disabled = true;
    try {
      const r = await api('/report-plans/' + plan.id + '/remind', { json: {} });
      status.show('ok', t('rep.reminded', { n: fmtInt(r.notices) }));
    } catch (e) { status.show('error', errorText(e)); }
  };
  const open = async () => {
    try {
      const r = await api('/report-plans/' + plan.id + '/open', { json: per.value.trim() ? { period: per.value.trim() } : {} });
      status.show('ok', t('rep.opened', { period: r.period, n: fmtInt(r.opened) }));
      setTimeout(() => go({ period: r.period }), 600);
    } catch (e) { status.show('error', errorText(e)); }
  };
  return h('div', null,
    h('section', { class: 'panel', testid: 'completion-actions' },
      h('div', { class: 'form-actions', style: { marginTop: 0 } },
        h('button', { type: 'button', class: 'btn', testid: 'completion-remind', onclick: remind }, t('rep.remind')),
        h('label', { for: 'c-open', class: 'muted' }, t('rep.open_period')), per,
        h('button', { type: 'button', class: 'btn', testid: 'completion-open', onclick: open }, t('rep.open_period'))),
      status),
    planForm());
}

function planForm() {
  const status = statusBox('plan-message');
  const name = h('input', { type: 'text', id: 'p-name', testid: 'plan-name', maxlength: 100 });
  // The base metrics of the catalogue as boxes, the usual monthly five ticked.
  const usual = ['revenue', 'output_value', 'employees', 'rd_staff', 'rd_expense'];
  const metrics = h('div', { class: 'checks', testid: 'plan-metrics' });
  api('/metrics').then((all) => {
    for (const m of all.filter((x) => !x.derived)) {
      metrics.appendChild(h('label', { class: 'checks' },
        h('input', { type: 'checkbox', value: m.id, checked: usual.includes(m.id), testid: 'plan-metric-' + m.id }), pick(m.name_zh, m.name_en)));
    }
  }).catch(() => {});
  const rule = h('select', { id: 'p-rule', testid: 'plan-rule' }, ['members', 'above_scale', 'all'].map((r) => h('option', { value: r }, t('rep.rule.' + r))));
  const freq = h('select', { id: 'p-freq', testid: 'plan-frequency' }, ['monthly', 'annual'].map((f) => h('option', { value: f }, t('rep.freq.' + f))));
  const f = h('form', { class: 'panel', testid: 'plan-form', novalidate: true },
    h('h2', null, t('rep.new_plan')),
    h('div', { class: 'form-actions', style: { marginTop: 0 } },
      h('label', { for: 'p-name', class: 'muted' }, t('rep.plan_name')), name,
      h('span', { class: 'muted' }, t('rep.plan_metrics')), metrics,
      h('label', { for: 'p-rule', class: 'muted' }, t('rep.plan_rule')), rule,
      h('label', { for: 'p-freq', class: 'muted' }, t('rep.plan_frequency')), freq,
      h('button', { type: 'submit', class: 'btn btn-primary', testid: 'plan-create' }, t('rep.create_plan'))),
    status);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('/report-plans', { json: { name: name.value.trim(), metrics: [...metrics.querySelectorAll('input:checked')].map((x) => x.value), rule: rule.value, frequency: freq.value } });
      status.show('ok', t('rep.plan_created'));
      setTimeout(() => { location.hash = hashWith('/completion', { plan: r.id }); }, 400);
    } catch (e) { status.show('error', errorText(e)); }
  });
  return f;
}
