// Enterprise profile: registry record, chain memberships, indicator charts, all metrics by year,
// and the edit form for those who may edit (GET/PATCH /api/v1/enterprises/{uscc}).
import { t, pick, isZh } from '../i18n.js';
import { api, ApiError, errorText } from '../api.js';
import { h, clear, fmtMetric, fmtPct, chart, money, moneyAxis, axisTooltip, statusBox, errorPanel, isNum, isRatio } from '../util.js';
import * as ref from '../ref.js';
import { resultBadge, fmtVal } from '../evalkit.js';
import { table } from '../table.js';
import { regionPicker } from '../pickers.js';
import { provenancePanel } from '../provenance.js';
import { greenFactoryPanel } from '../greenfactory.js';

let flash = null; // a message to show after the page reloads itself (e.g. "saved")

export async function render({ main, params, user, alive }) {
  const uscc = params.uscc;
  main.appendChild(h('div', { class: 'muted', testid: 'loading' }, t('common.loading')));
  let p;
  try {
    p = await api('/enterprises/' + encodeURIComponent(uscc));
  } catch (e) {
    if (!alive()) return;
    clear(main).append(
      errorPanel(errorText(e)),
      user.role !== 'enterprise'
        ? h('a', { href: '#/enterprises', class: 'btn' }, '← ' + t('prof.back'))
        : (user.uscc && user.uscc !== uscc ? h('a', { href: '#/enterprise/' + user.uscc, class: 'btn', testid: 'own-profile-link' }, '← ' + t('nav.my_enterprise')) : ''));
    return;
  }
  if (!alive()) return;
  const [chains, refMetrics, crit] = await Promise.all([ref.chains().catch(() => []), ref.metrics().catch(() => []),
    api('/enterprises/' + encodeURIComponent(uscc) + '/criteria', { query: { margin: 0.1 } }).catch((err) => ({ error: err }))]);
  if (!alive()) return;
  clear(main);

  const e = p.enterprise || {};
  const metrics = (p.metrics && p.metrics.length ? p.metrics : refMetrics);
  const metricById = new Map(metrics.map((m) => [m.id, m]));
  const mname = (id) => { const m = metricById.get(id); return m ? pick(m.name_zh, m.name_en) : id; };
  const chainById = new Map(chains.map((c) => [c.id, c]));
  const annual = (p.annual || []).slice().sort((a, b) => a.year - b.year);
  const monthly = (p.monthly || []).slice().sort((a, b) => String(a.period).localeCompare(String(b.period)));
  const certs = Array.isArray(e.certs) ? e.certs : (typeof e.certs === 'string' && e.certs ? e.certs.split(/[;,]/) : []);

  // Header.
  main.appendChild(h('section', { class: 'panel' },
    h('div', { class: 'profile-head' },
      h('div', null,
        h('h2', { class: 'profile-name', testid: 'profile-name' }, e.name || uscc),
        h('div', { class: 'mono muted', testid: 'profile-uscc' }, e.uscc || uscc),
        h('div', { style: { marginTop: '6px' } },
          e.scale ? h('span', { class: 'badge' }, t('scale.' + e.scale)) : null,
          e.listed && e.listed !== 'none' ? h('span', { class: 'badge' }, t('listed.' + e.listed)) : null,
          certs.map((c) => h('span', { class: 'badge badge-cert' }, t('cert.' + c))))),
      user.role !== 'enterprise' ? h('a', { href: '#/enterprises', class: 'btn btn-ghost' }, '← ' + t('prof.back')) : null)));

  // Registry and chains.
  const kv = (k, v) => [h('dt', null, t(k)), h('dd', null, v === undefined || v === null || v === '' ? t('common.unknown') : v)];
  const registry = h('section', { class: 'panel', testid: 'profile-registry' },
    h('h2', null, t('prof.registry')),
    h('dl', { class: 'kv' },
      kv('prof.uscc', h('span', { class: 'mono' }, e.uscc)),
      kv('prof.name', e.name),
      kv('prof.region', [e.region_name || '', ' ', h('span', { class: 'muted mono' }, e.region ? String(e.region) : '')]),
      kv('prof.industry', [h('span', { class: 'mono' }, e.industry || ''), ' ', pick(e.industry_name, e.industry_name_en) || '']),
      kv('prof.founded', e.founded),
      kv('prof.scale', e.scale ? t('scale.' + e.scale) : null),
      kv('prof.listed', e.listed ? t('listed.' + e.listed) : null),
      kv('prof.certs', certs.length ? certs.map((c) => t('cert.' + c)).join('、') : t('common.none'))));

  const members = e.chains || [];
  const chainsPanel = h('section', { class: 'panel', testid: 'profile-chains' },
    h('h2', null, t('prof.chains')),
    table(members, {
      emptyBlock: true, empty: t('prof.no_chains'),
      columns: [
        { key: 'chain', label: t('prof.chain'), render: (m) => { const c = chainById.get(m.chain); return c ? pick(c.name_zh, c.name_en) : m.chain; } },
        { key: 'node', label: t('prof.node'),
          render: (m) => (m.node_name || m.node_name_zh ? pick(m.node_name_zh || m.node_name, m.node_name_en) : h('span', { class: 'mono' }, m.node || '')) },
        { key: 'role', label: t('prof.role'), render: (m) => h('span', { class: 'badge' + (m.role === 'master' ? ' badge-master' : '') }, t('chainrole.' + (m.role || 'member'))) },
      ],
    }));
  main.appendChild(h('div', { class: 'grid-2' }, registry, chainsPanel));

  // Charts.
  const elAnnual = h('div', { class: 'chart', testid: 'profile-chart', id: 'profile-chart' });
  const elMonthly = h('div', { class: 'chart', testid: 'monthly-chart', id: 'monthly-chart' });
  main.appendChild(h('div', { class: 'grid-2', style: { marginTop: '16px' } },
    h('section', { class: 'panel' }, h('h2', null, t('prof.annual_chart')), elAnnual),
    h('section', { class: 'panel' }, h('h2', null, t('prof.monthly_chart')), elMonthly)));
  const val = (v) => (isNum(v) ? v : null);
  {
    chart(elAnnual, {
      tooltip: { trigger: 'axis', formatter: axisTooltip(() => money) },
      legend: { top: 0 },
      grid: { left: 12, right: 12, top: 44, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: annual.map((a) => String(a.year)) },
      yAxis: [
        { type: 'value', axisLabel: { formatter: moneyAxis } },
        { type: 'value', name: mname('rd_expense'), nameTextStyle: { align: 'right' }, axisLabel: { formatter: moneyAxis }, splitLine: { show: false } },
      ],
      series: [
        { name: mname('revenue'), type: 'bar', data: annual.map((a) => val(a.revenue)), barMaxWidth: 28 },
        { name: mname('output_value'), type: 'bar', data: annual.map((a) => val(a.output_value)), barMaxWidth: 28 },
        { name: mname('rd_expense'), type: 'line', yAxisIndex: 1, symbolSize: 8, data: annual.map((a) => val(a.rd_expense)) },
      ],
    }, { empty: t('prof.no_annual') });
  }
  {
    chart(elMonthly, {
      tooltip: { trigger: 'axis', formatter: axisTooltip(() => money) },
      legend: { top: 0 },
      grid: { left: 12, right: 16, top: 44, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: monthly.map((m) => String(m.period)), boundaryGap: false },
      yAxis: { type: 'value', axisLabel: { formatter: moneyAxis } },
      series: [
        { name: mname('revenue'), type: 'line', smooth: true, symbolSize: 6, areaStyle: { opacity: 0.08 }, data: monthly.map((m) => val(m.revenue)) },
        monthly.some((m) => isNum(m.output_value))
          ? { name: mname('output_value'), type: 'line', smooth: true, symbolSize: 6, data: monthly.map((m) => val(m.output_value)) } : null,
      ].filter(Boolean),
    }, { empty: t('prof.no_monthly') });
  }

  // All metrics by year.
  if (annual.length) {
    const ids = metrics.length ? metrics.map((m) => m.id) : Object.keys(annual[0]).filter((k) => k !== 'year');
    main.appendChild(h('section', { class: 'panel', style: { marginTop: '16px' } },
      h('h2', null, t('prof.metrics_table')),
      table(ids.map((id) => metricById.get(id) || { id }), {
        testid: 'metrics-table', cards: false,
        // units in their own column: a ratio goes in percent (its unit says %), money in 万元
        export: { name: (e.name || uscc) + ' ' + t('prof.metrics_table'), filters: [[t('ent.col.uscc'), uscc]] },
        row: (m) => ({ dataset: { metric: m.id } }),
        columns: [
          { key: 'metric', label: t('prof.metric'), render: (m) => [mname(m.id), m.derived ? h('span', { class: 'muted small' }, ' · ' + t('prof.derived')) : null] },
          { key: 'unit', label: t('prof.unit'), class: 'muted nowrap',
            render: (m) => (isRatio(m) ? '%' : (isZh() ? (m.unit_zh || m.unit) : (m.unit || m.unit_zh)) || '') },
          ...annual.map((a) => ({
            key: 'y' + a.year, label: String(a.year), align: 'num',
            class: (m) => (isNum(a[m.id]) && a[m.id] < 0 ? 'neg' : ''), render: (m) => fmtMetric(m, a[m.id]),
            exportType: 'number', exportValue: (m) => (isNum(a[m.id]) ? (isRatio(m) ? a[m.id] * 100 : a[m.id]) : null),
          })),
        ],
      })));
  }

  main.appendChild(criteriaPanel(crit));
  main.appendChild(provenancePanel(e.uscc || uscc));
  main.appendChild(greenPanel(uscc, alive));
  main.appendChild(greenFactoryPanel(uscc, p.can_edit, alive));
  main.appendChild(digitalPanel(uscc, p.can_edit, alive));
  if (p.can_edit) main.appendChild(editForm(e, certs, user.role === 'enterprise'));
}

// 能耗与碳排放 (issue 16): the enterprise's energy per output by year against its industry's
// quartiles (GET /api/v1/enterprises/{uscc}/green), and the latest year's figures.
function greenPanel(uscc, alive) {
  const el = h('div', { class: 'chart', testid: 'profile-green-chart' });
  const note = h('p', { class: 'muted small', testid: 'profile-green-note' });
  const panel = h('section', { class: 'panel', testid: 'profile-green', style: { marginTop: '16px' } },
    h('h2', null, t('prof.green.title')), note, el);
  api('/enterprises/' + encodeURIComponent(uscc) + '/green').then((g) => {
    if (!alive()) return;
    const ys = (g.years || []).filter((y) => isNum(y.energy_per_output));
    const q = (k) => ys.map((y) => (y.benchmark ? y.benchmark[k] : null));
    const last = ys[ys.length - 1];
    if (last) {
      note.textContent = t('prof.green.note', {
        year: last.year, tce: fmtMetric(null, last.tce), co2: isNum(last.co2) ? fmtMetric(null, last.co2) : t('common.unknown'),
        pct: isNum(last.percentile) ? fmtPct(last.percentile) : t('common.unknown'),
        group: last.benchmark ? last.benchmark.code : t('common.unknown'),
      });
      // The grid factor behind the electricity's CO₂: provincial or national, and its year.
      if (isNum(last.grid_factor)) {
        note.appendChild(h('span', { testid: 'profile-grid', dataset: { scope: last.grid_scope, year: String(last.grid_year) } },
          ' ' + t('prof.green.grid_' + last.grid_scope, { f: last.grid_factor.toFixed(4), year: last.grid_year })));
      }
    }
    const recs = g.recognitions || [];
    if (recs.length) {
      panel.insertBefore(h('p', { class: 'small', testid: 'profile-recognitions' }, recs.map((r, k) => [k ? ' · ' : '',
        h('span', { class: 'badge' }, [r.year, pick(r.level_zh, r.level_en), pick(r.kind_zh, r.kind_en)].join(' '))])), el);
    }
    chart(el, {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 16, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: ys.map((y) => String(y.year)) },
      yAxis: { type: 'value', name: t('prof.green.unit'), scale: true },
      series: [
        { name: t('prof.green.self'), type: 'line', symbolSize: 8, data: ys.map((y) => y.energy_per_output) },
        { name: t('prof.green.q1'), type: 'line', lineStyle: { type: 'dashed' }, data: q('q1') },
        { name: t('prof.green.median'), type: 'line', lineStyle: { type: 'dashed' }, data: q('median') },
        { name: t('prof.green.q3'), type: 'line', lineStyle: { type: 'dashed' }, data: q('q3') },
      ],
    }, { empty: t('prof.green.empty') });
  }).catch((err) => { if (alive()) note.textContent = errorText(err); });
  return panel;
}

// 认定标准: every criteria set with its result; a set opens to its clauses and their parts.
function criteriaPanel(crit) {
  const panel = h('section', { class: 'panel', testid: 'profile-criteria', style: { marginTop: '16px' } },
    h('div', { class: 'panel-head' }, h('h2', null, t('crit.title')),
      crit && !crit.error ? h('span', { class: 'muted small' }, t('crit.year_margin', { year: crit.year ?? '—', margin: fmtPct(crit.margin ?? 0.1, 0) })) : null));
  if (!crit || crit.error) {
    panel.appendChild(h('p', { class: 'muted', testid: 'criteria-error' }, crit && crit.error ? errorText(crit.error) : t('common.unknown')));
    return panel;
  }
  const sets = crit.sets || [];
  if (!sets.length) { panel.appendChild(h('p', { class: 'muted' }, t('crit.none'))); return panel; }
  const isPct = (part) => /%/.test(part.text || '');
  const val = (part, v) => (isNum(v) && isPct(part) ? fmtPct(v, 2) : fmtVal(v));
  // One row per part of a clause (a clause without parts: one row saying why); the clause's
  // label spans its parts.
  const clauseParts = (c) => {
    const parts = c.parts || [];
    if (!parts.length) return [{ clause: c, first: true, span: 1, none: true }];
    return parts.map((x, i) => ({ clause: c, part: x, first: i === 0, span: parts.length }));
  };
  const partCol = (key, label, render, extra = {}) => ({
    key, label, ...extra, render: (r) => render(r.part),
    attrs: (r) => (r.none ? null : {}),
  });
  const clauseColumns = [
    { key: 'clause', label: t('crit.col.clause'), attrs: (r) => (r.first ? { rowspan: r.span } : null),
      render: (r) => [pick(r.clause.label_zh, r.clause.label_en), h('div', null, resultBadge(r.clause.result))] },
    { key: 'expr', label: t('crit.col.expr'), class: 'mono small', attrs: (r) => (r.none ? { colspan: 6, class: 'muted' } : {}),
      render: (r) => (r.none ? (r.clause.result === 'unknown' ? t('crit.no_data_clause') : t('crit.no_parts')) : r.part.text || '') },
    partCol('value', t('crit.col.value'), (x) => (x.result === 'unknown' && !isNum(x.value)
      ? h('span', { class: 'badge badge-res badge-res-unknown' }, t('crit.result.unknown')) : val(x, x.value)), { align: 'num' }),
    partCol('op', t('crit.col.op'), (x) => x.op || '', { class: 'mono' }),
    partCol('threshold', t('crit.col.threshold'), (x) => val(x, x.threshold), { align: 'num' }),
    partCol('gap', t('crit.col.gap'), (x) => val(x, x.gap), { align: 'num' }),
    partCol('result', t('crit.col.result'), (x) => resultBadge(x.result)),
  ];
  panel.appendChild(h('p', { class: 'lead small' }, t('crit.hint')));
  panel.appendChild(h('div', { class: 'crit-sets' }, sets.map((s) => {
    const body = table((s.clauses || []).flatMap(clauseParts), {
      wrap: { testid: 'criteria-clauses', hidden: true }, columns: clauseColumns, cards: false,
      row: (r) => ({ testid: r.first ? 'criteria-clause' : 'criteria-part', dataset: { clause: r.clause.id, result: r.none ? r.clause.result : r.part.result } }),
    });
    const head = h('button', {
      type: 'button', class: 'crit-head', testid: 'criteria-toggle', 'aria-expanded': 'false',
      onclick: () => { body.hidden = !body.hidden; head.setAttribute('aria-expanded', body.hidden ? 'false' : 'true'); },
    },
    h('span', { class: 'crit-caret', 'aria-hidden': 'true' }, '▸'),
    h('span', { class: 'crit-name' }, pick(s.name_zh, s.name_en)),
    resultBadge(s.result),
    s.near ? h('span', { class: 'badge badge-near', testid: 'near-miss', title: t('crit.near_hint') }, t('crit.near')) : null,
    isNum(s.relative_gap) ? h('span', { class: 'muted small' }, t('crit.rel_gap', { gap: fmtPct(s.relative_gap, 1) })) : null);
    return h('div', { class: 'crit-set', testid: 'criteria-set', dataset: { set: s.id, result: s.result } }, head, body);
  })));
  return panel;
}

// OFFICIAL_LOCKED: scale, listing and certificates are staff-only (PATCH answers 403 to an
// enterprise account), so an enterprise sees them but cannot change them.
function editForm(e, certs, officialLocked) {
  const status = statusBox('edit-status');
  const opt = (value, label) => h('option', { value }, label);
  const sel = (id, values, prefix, cur) => {
    const s = h('select', { id: 'edit-' + id, name: id, testid: 'edit-' + id }, opt('', t('common.unknown')), values.map((v) => opt(v, t(prefix + v))));
    s.value = cur || '';
    return s;
  };
  const els = {
    name: h('input', { type: 'text', id: 'edit-name', name: 'name', testid: 'edit-name', value: e.name || '', required: true }),
    region: regionPicker({ id: 'edit-region', testid: 'edit-region', initial: e.region ? String(e.region) : null, initialLabel: e.region_name || undefined }),
    industry: h('input', { type: 'text', id: 'edit-industry', name: 'industry', testid: 'edit-industry', value: e.industry || '', maxlength: 5 }),
    founded: h('input', { type: 'date', id: 'edit-founded', name: 'founded', testid: 'edit-founded', value: e.founded || '' }),
    scale: sel('scale', ref.SCALES, 'scale.', e.scale),
    listed: sel('listed', ref.LISTED, 'listed.', e.listed),
  };
  const certBoxes = ref.CERTS.map((c) => h('input', { type: 'checkbox', name: 'certs', value: c, testid: 'edit-cert-' + c, checked: certs.includes(c), disabled: officialLocked }));
  if (officialLocked) { els.scale.disabled = true; els.listed.disabled = true; }
  const field = (label, el, wide) => h('div', { class: 'field' + (wide ? ' field-wide' : '') }, h('label', { for: el.input ? el.input.id : el.id }, t(label)), el.el || el);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'edit-submit' }, t('common.save'));

  const form = h('form', { class: 'panel', testid: 'edit-form', style: { marginTop: '16px' }, novalidate: true },
    h('h2', null, t('prof.edit')),
    h('p', { class: 'lead small' }, t('prof.edit_hint')),
    officialLocked ? h('p', { class: 'muted small', testid: 'edit-official-hint' }, t('prof.official_hint')) : null,
    h('div', { class: 'form-grid' },
      field('prof.name', els.name, true),
      field('prof.region_code', els.region),
      field('prof.industry_code', els.industry),
      field('prof.founded', els.founded),
      field('prof.scale', els.scale),
      field('prof.listed', els.listed)),
    h('div', { class: 'field', style: { marginTop: '12px' } }, h('span', { class: 'field-label' }, t('prof.certs')),
      h('div', { class: 'checks' }, ref.CERTS.map((c, i) => h('label', null, certBoxes[i], t('cert.' + c))))),
    h('div', { class: 'form-actions' }, submit),
    status);

  if (flash) { status.show(flash.kind, flash.text); flash = null; }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.hide();
    const patch = {};
    const name = els.name.value.trim();
    if (name !== (e.name || '')) patch.name = name;
    const region = (await els.region.commit())[0] || '';
    if (region !== (e.region ? String(e.region) : '')) patch.region = /^\d+$/.test(region) ? Number(region) : region;
    const industry = els.industry.value.trim().toUpperCase();
    if (industry !== (e.industry || '')) patch.industry = industry;
    if (els.founded.value !== (e.founded || '')) patch.founded = els.founded.value || null;
    if (els.scale.value !== (e.scale || '')) patch.scale = els.scale.value || null;
    if (els.listed.value !== (e.listed || '')) patch.listed = els.listed.value || null;
    const newCerts = certBoxes.filter((b) => b.checked).map((b) => b.value);
    if (newCerts.slice().sort().join() !== certs.slice().sort().join()) patch.certs = newCerts;
    if (!Object.keys(patch).length) { status.show('info', t('prof.edit_none')); return; }

    submit.disabled = true;
    status.show('info', t('common.saving'));
    try {
      await api('/enterprises/' + encodeURIComponent(e.uscc), { method: 'PATCH', json: patch });
      flash = { kind: 'ok', text: t('common.saved') };
      window.dispatchEvent(new HashChangeEvent('hashchange')); // reload the profile
    } catch (err) {
      status.show('error', errorText(err));
      if (err instanceof ApiError && err.field && els[err.field]) els[err.field].focus();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// 智能制造能力成熟度 (issue 16, item 4): the latest self-assessment's level, score and gaps to
// the next level (GET /api/v1/enterprises/{uscc}/digital); those who may edit the enterprise
// (the enterprise itself, admin, analyst) fill a year's assessment (PUT …/digital/{year}).
function digitalPanel(uscc, canEdit, alive) {
  const body = h('div', { testid: 'profile-digital-body' });
  const panel = h('section', { class: 'panel', testid: 'profile-digital', style: { marginTop: '16px' } },
    h('h2', null, t('digital.prof.title')), body);
  const path = '/enterprises/' + encodeURIComponent(uscc) + '/digital';
  const draw = (d, model) => {
    clear(body);
    const as = d.assessments || [];
    const last = as[as.length - 1];
    if (!last) body.appendChild(h('p', { class: 'muted', testid: 'digital-none' }, t('digital.prof.none')));
    else {
      body.appendChild(h('p', { testid: 'digital-level', dataset: { level: String(last.level) } },
        t('digital.prof.level', { year: last.year, level: pick(last.level_zh, last.level_en), score: last.score.toFixed(2) })));
      if (last.gaps && last.gaps.length) {
        body.appendChild(h('p', { class: 'muted small' }, t('digital.prof.gaps', { next: pick(last.next_level_zh, last.next_level_en) })));
        body.appendChild(h('ul', { class: 'small', testid: 'digital-gaps' }, last.gaps.map((g) => h('li', null, pick(g.text_zh, g.text_en)))));
      }
    }
    if (!canEdit || !model) return;
    const prev = last ? last.answers : {};
    const yearIn = h('input', { type: 'number', id: 'dg-year', testid: 'digital-year', value: String(last ? last.year : new Date().getFullYear() - 1), min: 1900, max: 2200 });
    const selects = model.questions.map((q) => {
      const sel = h('select', { id: 'dq-' + q.id, testid: 'digital-q-' + q.id },
        h('option', { value: '' }, '—'),
        model.answers.map((a) => h('option', { value: String(a), selected: prev[q.id] === a }, t('digital.answer.' + a))));
      return [q, sel];
    });
    const rateIn = (k) => h('input', { type: 'number', id: 'dr-' + k, testid: 'digital-rate-' + k, min: 0, max: 100, step: 1,
      value: last && last[k] != null ? String(Math.round(last[k] * 100)) : '' });
    const rates = ['cnc_rate', 'rd_tool_rate', 'networking_rate'].map((k) => [k, rateIn(k)]);
    const flags = ['factory_5g', 'demonstration', 'lighthouse'].map((k) => [k, h('input', { type: 'checkbox', testid: 'digital-flag-' + k, checked: !!(last && last[k]) })]);
    const msg = h('p', { class: 'small', testid: 'digital-status' });
    const f = h('form', { testid: 'digital-form', novalidate: true },
      h('details', null, h('summary', { testid: 'digital-fill' }, t('digital.prof.fill')),
        h('div', { class: 'form-actions' }, h('label', { for: 'dg-year' }, t('digital.prof.year')), yearIn),
        h('table', { class: 'data' }, h('tbody', null, selects.map(([q, sel]) => h('tr', null,
          h('td', { class: 'small' }, 'L' + q.level), h('td', null, h('label', { for: 'dq-' + q.id }, pick(q.text_zh, q.text_en))), h('td', null, sel))))),
        h('div', { class: 'form-actions' }, rates.map(([k, el]) => [h('label', { for: 'dr-' + k }, t('digital.total.' + k) + ' (%)'), el])),
        h('div', { class: 'form-actions' }, flags.map(([k, el]) => h('label', { class: 'checks' }, el, t('digital.flag.' + k)))),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-sm btn-primary', testid: 'digital-save' }, t('digital.prof.save')), msg)));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const answers = {};
      for (const [q, sel] of selects) if (sel.value !== '') answers[q.id] = Number(sel.value);
      const json = { answers };
      for (const [k, el] of rates) json[k] = el.value === '' ? null : Number(el.value) / 100;
      for (const [k, el] of flags) json[k] = el.checked;
      try {
        const d2 = await api(path + '/' + encodeURIComponent(yearIn.value), { method: 'PUT', json });
        draw(d2, model);
        body.appendChild(h('p', { class: 'small', testid: 'digital-saved' }, t('digital.prof.saved')));
      } catch (e) {
        msg.textContent = errorText(e);
      }
    });
    body.appendChild(f);
  };
  Promise.all([api(path), canEdit ? api('/digital/model') : Promise.resolve(null)]).then(([d, model]) => {
    if (alive()) draw(d, model);
  }).catch((err) => { if (alive()) body.appendChild(errorPanel(errorText(err))); });
  return panel;
}
