// The listing service (上市服务, issue 17 item 5). Staff: the funnel of the reserve by stage
// (GET /api/v1/listing/funnel) with boards, chains and districts, the stalled firms (opened as
// 一企一策 cases by admin and analyst), the reserve with each firm's progress. An investor: the
// reserve firms that consented (the server decides which), with its interest or counselling
// registered per firm. An enterprise: its own record and its consent. Address: #/listing
import { t, pick } from '../i18n.js';
import { api, errorText, currentUser } from '../api.js';
import { can, EDIT, STAFF } from '../routes.js';
import { h, clear, fmtInt, chart, errorPanel, statusBox } from '../util.js';
import { table } from '../table.js';

export async function render({ main, alive }) {
  const user = currentUser();
  main.appendChild(h('div', { class: 'muted', testid: 'loading' }, t('common.loading')));
  if (user && user.role === 'enterprise') return ownPanel(main, user, alive);
  let reserve;
  let funnel = null;
  let chains = [];
  try {
    reserve = await api('/listing/reserve');
    if (can(user, STAFF)) {
      funnel = await api('/listing/funnel');
      const cat = await api('/chains');
      chains = Array.isArray(cat) ? cat : (cat.items || cat.chains || []);
    }
  } catch (e) {
    if (alive()) clear(main).appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  clear(main);
  const names = nameLookup(reserve);
  if (funnel) {
    main.appendChild(funnelPanel(funnel, names, chains));
    main.appendChild(await stalledPanel(user, funnel.stalled_months, names, alive));
  }
  main.appendChild(reservePanel(reserve, names, user));
  if (can(user, EDIT)) {
    let insts = [];
    try { insts = (await api('/listing/institutions')).items || []; } catch (_) { /* the form without sponsors */ }
    if (alive()) main.appendChild(progressForm(reserve, insts));
  }
}

// Admin and analyst record a stage reached (PUT /listing/reserve/{uscc}/progress): the firm,
// the stage, the date (default today), the target board and the sponsoring institution.
function progressForm(d, insts) {
  const opt = (v, label) => h('option', { value: v }, label);
  const firm = h('select', { id: 'progress-firm', testid: 'progress-firm' }, (d.items || []).map((x) => opt(x.uscc, x.name)));
  const stage = h('select', { id: 'progress-stage', testid: 'progress-stage' }, (d.stages || []).map((x) => opt(x.id, pick(x.zh, x.en))));
  const date = h('input', { type: 'date', id: 'progress-date', testid: 'progress-date' });
  const board = h('select', { id: 'progress-board', testid: 'progress-board' }, opt('', t('lst.keep')), (d.boards || []).map((x) => opt(x.id, pick(x.zh, x.en))));
  const sponsor = h('select', { id: 'progress-sponsor', testid: 'progress-sponsor' }, opt('', t('lst.keep')), insts.map((x) => opt(String(x.id), x.name)));
  const status = statusBox('progress-status');
  const save = async () => {
    const body = { stage: stage.value };
    if (date.value) body.date = date.value;
    if (board.value) body.board = board.value;
    if (sponsor.value) body.sponsor = Number(sponsor.value);
    try {
      await api('/listing/reserve/' + encodeURIComponent(firm.value) + '/progress', { method: 'PUT', json: body });
      location.reload();
    } catch (e) { status.show('error', errorText(e)); }
  };
  const field = (label, el) => h('div', { class: 'field' }, h('label', { for: el.id }, label), el);
  return h('section', { class: 'panel', testid: 'progress-form' },
    h('h2', null, t('lst.progress_title')),
    h('div', { class: 'form-grid' },
      field(t('lst.col.name'), firm), field(t('lst.col.stage'), stage), field(t('lst.col.since'), date),
      field(t('lst.col.board'), board), field(t('lst.col.sponsor'), sponsor)),
    h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'btn btn-primary', testid: 'progress-save', onclick: save }, t('lst.progress_save'))),
    status);
}

// The funnel panel on its own (the lists page shows it under a listing_reserve list), with a
// link to this page; null when it cannot be read.
export async function funnelSection() {
  try {
    const [f, cat, hist] = await Promise.all([api('/listing/funnel'), api('/chains'), api('/listing/funnel/history?months=24')]);
    const box = funnelPanel(f, nameLookup(f), Array.isArray(cat) ? cat : (cat.items || cat.chains || []));
    box.dataset.testid = 'lists-listing-funnel';
    box.querySelector('.panel-head').appendChild(h('a', { href: '#/listing', class: 'btn btn-sm' }, t('lst.open_page')));
    box.appendChild(historyChart(hist, nameLookup(hist)));
    return box;
  } catch (_) { return null; }
}

// The funnel over time (GET /listing/funnel/history): the reserve firms at each stage at each
// month-end of the last 24 months, stacked, so each column adds up to the reserve.
function historyChart(d, name) {
  const el = h('div', { class: 'chart', testid: 'listing-funnel-history', id: 'listing-funnel-history' });
  const wrap = h('div', null,
    h('h3', null, t('lst.history_title')),
    h('p', { class: 'muted small' }, t('lst.history_hint', { n: fmtInt(d.total) })),
    el);
  chart(el, {
    grid: { left: 50, right: 20, top: 40, bottom: 30 },
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    xAxis: { type: 'category', boundaryGap: false, data: d.months || [] },
    yAxis: { type: 'value', minInterval: 1, name: t('lst.firms') },
    series: (d.series || []).map((s) => ({
      type: 'line', stack: 'reserve', areaStyle: {}, symbol: 'none', name: name(s.stage), data: s.counts,
    })),
  });
  return wrap;
}

// Stage and board names of the server's data file: id → name in the language shown.
function nameLookup(d) {
  const m = new Map();
  for (const x of [...(d.stages || []), ...(d.boards || [])]) m.set(x.id, pick(x.zh, x.en));
  return (id) => (id == null ? '' : id === 'none' ? t('lst.none') : m.get(id) || id);
}

function funnelPanel(f, name, chainList) {
  const chainName = (id) => { const c = chainList.find((x) => x.id === id); return c ? pick(c.name_zh, c.name_en) : id; };
  const stages = f.by_stage || [];
  const el = h('div', { class: 'chart', testid: 'listing-funnel', id: 'listing-funnel' });
  const box = h('section', { class: 'panel' },
    h('div', { class: 'panel-head' }, h('h2', null, t('lst.funnel_title')), h('span', { class: 'muted small' }, t('lst.funnel_hint'))),
    h('p', { class: 'muted', testid: 'listing-total' }, t('lst.total', { n: fmtInt(f.total) })),
    el);
  chart(el, {
    grid: { left: 110, right: 30, top: 10, bottom: 30 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: stages.map((s) => name(s.stage)) },
    series: [{ type: 'bar', name: t('lst.firms'), data: stages.map((s) => s.count), label: { show: true, position: 'right' } }],
  });
  const small = (title, rows, testid) => h('div', null, h('h3', null, title), table(rows, {
    testid, columns: [{ key: 'label', label: '' }, { key: 'n', label: t('lst.firms'), align: 'num', sort: true, render: (r) => fmtInt(r.n) }],
  }));
  const boards = Object.entries(f.by_board || {}).map(([k, n]) => ({ label: k === 'none' ? t('lst.no_board') : name(k), n }));
  const chains = (f.by_chain || []).map((c) => ({ label: chainName(c.chain), n: c.total })).sort((a, b) => b.n - a.n);
  const districts = (f.by_district || []).map((d) => ({ label: d.name || String(d.region), n: d.total })).sort((a, b) => b.n - a.n);
  box.appendChild(h('div', { class: 'cards' },
    small(t('lst.by_board'), boards, 'listing-by-board'),
    small(t('lst.by_chain'), chains, 'listing-by-chain'),
    small(t('lst.by_district'), districts, 'listing-by-district')));
  return box;
}

async function stalledPanel(user, months, name, alive) {
  const box = h('section', { class: 'panel', testid: 'listing-stalled' }, h('h2', null, t('lst.stalled_title', { m: months })));
  const body = h('div');
  const status = statusBox('listing-stalled-status');
  box.append(body, status);
  const draw = (d) => {
    clear(body);
    const rows = d.stalled || [];
    if (!rows.length) { body.appendChild(h('p', { class: 'muted' }, t('lst.no_stalled'))); return; }
    body.appendChild(table(rows, {
      testid: 'listing-stalled-table',
      row: (x) => ({ dataset: { uscc: x.uscc }, testid: 'listing-stalled-row' }),
      columns: [
        { key: 'name', label: t('lst.col.name'), render: (x) => h('a', { href: '#/enterprise/' + encodeURIComponent(x.uscc) }, x.name) },
        { key: 'stage', label: t('lst.col.stage'), render: (x) => name(x.stage) },
        { key: 'since', label: t('lst.col.since'), sort: true },
        { key: 'case', label: t('lst.case'), render: (x) => (x.case ? h('a', { href: '#/cases?id=' + x.case, testid: 'listing-case' }, '#' + x.case) : '') },
      ],
    }));
  };
  try { draw(await api('/listing/stalled')); } catch (e) { body.appendChild(errorPanel(errorText(e))); return box; }
  if (!alive()) return box;
  if (can(user, EDIT)) {
    box.appendChild(h('button', {
      type: 'button', class: 'btn', testid: 'listing-open-cases',
      onclick: async () => {
        try {
          const d = await api('/listing/stalled', { method: 'POST', json: {} });
          draw(d);
          status.show('ok', t('lst.opened', { n: fmtInt(d.opened) }));
        } catch (e) { status.show('error', errorText(e)); }
      },
    }, t('lst.open_cases')));
  }
  return box;
}

function reservePanel(d, name, user) {
  const investor = user && user.role === 'investor';
  const status = statusBox('listing-status');
  const engage = (x, kind) => h('button', {
    type: 'button', class: 'btn', testid: 'listing-' + kind,
    onclick: async (ev) => {
      try {
        await api('/listing/reserve/' + encodeURIComponent(x.uscc) + '/engagements', { method: 'POST', json: { kind } });
        ev.target.disabled = true;
        ev.target.textContent = t('lst.engaged');
        status.show('ok', t('lst.engaged'));
      } catch (e) { status.show('error', errorText(e)); }
    },
  }, t('lst.' + kind));
  return h('section', { class: 'panel' },
    h('h2', null, t('lst.reserve_title')),
    investor ? h('p', { class: 'muted', testid: 'listing-investor-hint' }, t('lst.investor_hint')) : null,
    status,
    table(d.items || [], {
      testid: 'listing-reserve',
      row: (x) => ({ dataset: { uscc: x.uscc, stage: x.stage || 'none' }, testid: 'listing-row' }),
      columns: [
        { key: 'name', label: t('lst.col.name'), sort: true,
          render: (x) => (investor ? x.name : h('a', { href: '#/enterprise/' + encodeURIComponent(x.uscc) }, x.name)) },
        { key: 'district', label: t('lst.col.district'), sort: true },
        { key: 'stage', label: t('lst.col.stage'), sort: true, render: (x) => name(x.stage || 'none') },
        { key: 'since', label: t('lst.col.since'), sort: true, render: (x) => x.since || '' },
        { key: 'board', label: t('lst.col.board'), render: (x) => name(x.board) },
        { key: 'sponsor', label: t('lst.col.sponsor'), render: (x) => (x.sponsor ? x.sponsor.name : '') },
        investor ? null : { key: 'consent', label: t('lst.col.consent'), render: (x) => t(x.consent ? 'lst.yes' : 'lst.no') },
        { key: 'engagements', label: t('lst.col.engagements'), class: 'small',
          render: (x) => (x.engagements || []).map((g, i) => [i ? '、' : '', g.institution_name, '（', t('lst.kind.' + g.kind), '）']) },
        investor ? { key: 'act', label: '', render: (x) => {
          const has = (k) => (x.engagements || []).some((g) => g.kind === k);
          return [has('interest') ? null : engage(x, 'interest'), ' ', has('counselling') ? null : engage(x, 'counselling')];
        } } : null,
      ],
    }));
}

// An enterprise account: its own reserve record (if on the reserve) and its consent.
async function ownPanel(main, user, alive) {
  let rec = null;
  try { rec = await api('/listing/reserve/' + encodeURIComponent(user.uscc)); } catch (e) { if (e.status !== 404) { if (alive()) clear(main).appendChild(errorPanel(errorText(e))); return; } }
  if (!alive()) return;
  clear(main);
  const status = statusBox('listing-consent-status');
  const line = h('p', { testid: 'listing-consent' });
  const btn = h('button', { type: 'button', class: 'btn', testid: 'listing-consent-toggle' });
  let granted = !!(rec && rec.consent);
  const draw = () => {
    line.textContent = t(granted ? 'lst.consent_on' : 'lst.consent_off');
    line.dataset.granted = String(granted);
    btn.textContent = t(granted ? 'lst.withdraw' : 'lst.grant');
  };
  btn.onclick = async () => {
    try {
      const r = await api('/listing/consent/' + encodeURIComponent(user.uscc), { method: 'PUT', json: { granted: !granted } });
      granted = r.granted;
      draw();
    } catch (e) { status.show('error', errorText(e)); }
  };
  draw();
  main.appendChild(h('section', { class: 'panel', testid: 'listing-own' },
    h('h2', null, t('lst.own_title')),
    rec ? h('p', { testid: 'listing-own-stage' }, rec.name, ' · ', nameLookup(rec)(rec.stage || 'none'), rec.since ? ' · ' + rec.since : '')
      : h('p', { class: 'muted' }, t('lst.not_on_reserve')),
    line, btn, status));
}
