// Reporting (企业数据直报): an enterprise's own reports with its notices, the staff's review
// queue, and one report's form — each metric with last period's and the same period a year
// earlier's value beside it, the soft rules' warnings beside the field, an explanation, save
// and submit; for a reviewer, return with a comment or accept.
// Addresses: #/reports?status=submitted (the list) and #/reports?id=ID (the form).
import { t, pick } from '../i18n.js';
import { api, ApiError, errorText } from '../api.js';
import { h, clear, fmtTime, errorPanel, statusBox, hashWith, fmtNum } from '../util.js';
import { table } from '../table.js';
import { can, EDIT } from '../routes.js';

export const STATUSES = ['open', 'draft', 'submitted', 'returned', 'accepted'];
const statusBadge = (s) => h('span', { class: 'badge badge-report badge-report-' + s, testid: 'report-status', dataset: { status: s } }, t('rep.status.' + s));
const overdueBadge = () => h('span', { class: 'badge badge-off', testid: 'report-overdue' }, t('rep.overdue_badge'));

export async function render(ctx) {
  if (ctx.query.id) return form(ctx);
  return list(ctx);
}

function noticeText(n) {
  return t('rep.notice.' + n.kind, { plan: n.plan_name, period: n.period, due: n.due, comment: n.comment || '' });
}

async function list({ main, query, user, alive }) {
  const mine = user.role === 'enterprise';
  const status = query.status !== undefined ? query.status : (can(user, EDIT) ? 'submitted' : '');
  let res, notices = null;
  try {
    [res, notices] = await Promise.all([
      api('/reports', { query: { status, limit: 2000 } }),
      mine ? api('/report-notices') : Promise.resolve(null),
    ]);
  } catch (e) {
    if (alive()) main.appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;

  if (notices) {
    const items = notices.notices || [];
    main.appendChild(h('section', { class: 'panel', testid: 'report-notices' },
      h('h2', null, t('rep.notices')),
      items.length ? h('ul', { class: 'timeline' }, items.map((n) => h('li', { testid: 'report-notice', dataset: { kind: n.kind } },
        h('div', { class: 'small muted' }, fmtTime(n.created_at)),
        h('a', { href: '#/reports?id=' + n.report }, noticeText(n)))))
        : h('p', { class: 'muted' }, t('rep.no_notices'))));
  }

  const sel = h('select', { id: 'rep-status', testid: 'report-filter-status' },
    h('option', { value: '' }, t('rep.filter.all')),
    [...STATUSES, 'overdue'].map((s) => h('option', { value: s, selected: s === status }, s === 'overdue' ? t('rep.state.overdue') : t('rep.status.' + s))));
  sel.addEventListener('change', () => { location.hash = hashWith('/reports', { status: sel.value }); });
  const rows = res.reports || [];
  main.appendChild(h('section', { class: 'panel', testid: 'report-list-panel' },
    h('div', { class: 'panel-head' }, h('h2', null, mine ? t('rep.mine') : t('rep.queue')),
      h('span', null, h('label', { for: 'rep-status', class: 'muted small' }, t('rep.filter.status')), ' ', sel)),
    table(rows, {
      testid: 'report-list', empty: t('rep.no_reports'), emptyTestid: 'report-list-empty', pageSize: 20,
      row: (r) => ({ dataset: { id: String(r.id), status: r.status }, testid: 'report-row' }),
      open: (r) => { location.hash = '#/reports?id=' + r.id; },
      columns: [
        { key: 'plan_name', label: t('rep.col.plan'), sort: true },
        mine ? null : { key: 'name', label: t('rep.col.enterprise'), sort: true, render: (r) => h('a', { href: '#/reports?id=' + r.id }, r.name) },
        { key: 'period', label: t('rep.col.period'), sort: true },
        { key: 'due', label: t('rep.col.due'), sort: true },
        { key: 'status', label: t('rep.col.status'), sort: true, render: (r) => [statusBadge(r.status), r.overdue ? [' ', overdueBadge()] : null] },
        { key: 'submitted_at', label: t('rep.col.submitted'), sort: true, render: (r) => (r.submitted_at ? fmtTime(r.submitted_at) : '—') },
        { key: 'open', label: '', render: (r) => h('a', { class: 'btn btn-sm', href: '#/reports?id=' + r.id, testid: 'report-open' }, t('rep.open_form')) },
      ],
    })));
}

async function form({ main, query, user, alive }) {
  let d;
  try {
    d = await api('/reports/' + encodeURIComponent(query.id));
  } catch (e) {
    if (alive()) main.appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const editable = ['open', 'draft', 'returned'].includes(d.status) && (user.role === 'enterprise' || can(user, EDIT));
  const status = statusBox('report-message');
  const inputs = {};
  const softCells = {};

  // The server's words for each warning (its thresholds are data: data/report_rules.json).
  const showSoft = (warnings) => {
    const by = {};
    for (const w of warnings || []) (by[w.metric] = by[w.metric] || []).push(pick(w.message_zh, w.message_en));
    for (const [k, cell] of Object.entries(softCells)) {
      clear(cell).append((by[k] || []).join(t('fresh.sep')));
      cell.classList.toggle('field-warn', !!by[k]);
    }
  };

  const rows = d.fields.map((f) => {
    const unit = pick(f.unit_zh, f.unit_zh === '万元' ? '10k CNY' : f.unit_zh === '人' ? 'persons' : f.unit_zh);
    const inp = h('input', {
      type: 'text', inputmode: 'decimal', id: 'val-' + f.metric, testid: 'value-' + f.metric,
      value: f.value === null || f.value === undefined ? '' : String(f.value), disabled: !editable,
      'aria-label': pick(f.name_zh, f.name_en),
    });
    inputs[f.metric] = inp;
    softCells[f.metric] = h('span', { class: 'small', testid: 'soft-' + f.metric });
    return { f, unit, inp };
  });
  showSoft(d.status === 'open' ? [] : d.warnings); // nothing saved yet: nothing to warn of

  const explanation = h('textarea', { id: 'rep-explanation', testid: 'report-explanation', rows: 3, maxlength: 2000, disabled: !editable }, d.explanation || '');
  const collect = () => {
    const values = {};
    for (const [k, inp] of Object.entries(inputs)) {
      const v = inp.value.trim();
      values[k] = v === '' ? null : v;
    }
    return { values, explanation: explanation.value.trim() };
  };
  const markField = (field) => {
    for (const inp of Object.values(inputs)) inp.classList.remove('field-error');
    if (field && inputs[field]) { inputs[field].classList.add('field-error'); inputs[field].focus(); }
  };
  const send = async (submit, btn) => {
    btn.disabled = true;
    markField(null);
    try {
      const body = collect();
      const r = await api('/reports/' + d.id + (submit ? '/submit' : ''), { method: submit ? 'POST' : 'PUT', json: body });
      status.show('ok', submit ? t('rep.submitted') : t('rep.saved'));
      showSoft(r.warnings);
      if (submit) setTimeout(reload, 300);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'explanation_required') {
        status.show('error', t('rep.need_explanation'));
        showSoft(e.body && e.body.warnings);
        explanation.focus();
      } else {
        status.show('error', errorText(e));
        if (e instanceof ApiError) markField(e.field);
      }
    } finally {
      btn.disabled = false;
    }
  };
  const saveBtn = h('button', { type: 'button', class: 'btn', testid: 'report-save', onclick: (ev) => send(false, ev.currentTarget) }, t('rep.save'));
  const submitBtn = h('button', { type: 'button', class: 'btn btn-primary', testid: 'report-submit', onclick: (ev) => send(true, ev.currentTarget) }, t('rep.submit'));

  const head = h('div', { class: 'panel-head' },
    h('h2', { testid: 'report-head' }, t('rep.head', { plan: d.plan_name, period: d.period, due: d.due })),
    h('span', null, statusBadge(d.status), d.overdue ? [' ', overdueBadge()] : null));
  const who = h('p', { class: 'muted' }, h('a', { href: '#/enterprise/' + encodeURIComponent(d.uscc) }, d.name || d.uscc), ' · ', d.uscc);
  const comment = d.comment && d.status === 'returned'
    ? h('div', { class: 'status status-error', testid: 'report-comment' }, h('strong', null, t('rep.returned_comment') + '：'), d.comment) : null;

  const tbl = table(rows, {
    testid: 'report-fields', cards: true,
    row: (r) => ({ dataset: { metric: r.f.metric } }),
    columns: [
      { key: 'metric', label: t('rep.col.metric'), render: (r) => h('label', { for: 'val-' + r.f.metric }, pick(r.f.name_zh, r.f.name_en), h('span', { class: 'muted small' }, ' (' + r.unit + ')')) },
      { key: 'value', label: t('rep.col.value'), render: (r) => r.inp },
      { key: 'last', label: t('rep.col.last') + ' ' + d.last_period, align: 'num', render: (r) => h('span', { testid: 'last-' + r.f.metric }, fmtNum(r.f.last)) },
      { key: 'last_year', label: t('rep.col.last_year') + ' ' + d.last_year_period, align: 'num', render: (r) => h('span', { testid: 'last-year-' + r.f.metric }, fmtNum(r.f.last_year)) },
      { key: 'soft', label: t('rep.col.check'), render: (r) => softCells[r.f.metric] },
    ],
  });

  const section = h('section', { class: 'panel', testid: 'report-form', dataset: { id: String(d.id), status: d.status } },
    head, who, comment, tbl,
    h('label', { for: 'rep-explanation', class: 'field-label' }, t('rep.explanation')),
    h('p', { class: 'muted small' }, t('rep.explanation_hint')), explanation,
    editable ? h('div', { class: 'form-actions' }, saveBtn, submitBtn) : h('p', { class: 'muted small', testid: 'report-readonly' }, t('rep.readonly')),
    status);
  main.appendChild(section);

  if (can(user, EDIT) && d.status === 'submitted') main.appendChild(review(d, reload));
}

function review(d, reload) {
  const status = statusBox('review-message');
  const text = h('textarea', { id: 'review-comment', testid: 'review-comment', rows: 2, maxlength: 1000 });
  const go = async (accept, btn) => {
    const comment = text.value.trim();
    if (!accept && !comment) { status.show('error', t('rep.comment_required')); text.focus(); return; }
    btn.disabled = true;
    try {
      await api('/reports/' + d.id + (accept ? '/accept' : '/return'), { json: accept ? {} : { comment } });
      status.show('ok', accept ? t('rep.accepted') : t('rep.returned'));
      setTimeout(reload, 300);
    } catch (e) {
      status.show('error', errorText(e));
      btn.disabled = false;
    }
  };
  return h('section', { class: 'panel', testid: 'report-review' },
    h('h2', null, t('rep.review')),
    d.explanation ? h('p', { testid: 'review-explanation' }, h('strong', null, t('rep.explanation') + '：'), d.explanation) : null,
    h('label', { for: 'review-comment', class: 'field-label' }, t('rep.review_comment')), text,
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'btn', testid: 'review-return', onclick: (ev) => go(false, ev.currentTarget) }, t('rep.return')),
      h('button', { type: 'button', class: 'btn btn-primary', testid: 'review-accept', onclick: (ev) => go(true, ev.currentTarget) }, t('rep.accept'))),
    status);
}
