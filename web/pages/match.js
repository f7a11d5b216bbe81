// Supply–demand (供需对接, 川渝互采互供): postings with search and a posting form, one posting
// with its ranked matches (a contribution chart and each match's explanation, deal marks),
// subscriptions with the inbox, and the statistics (staff).
// Address: #/match?tab=board|inbox|stats&q=&kind=&region=&state=&mine=1&id=N&cursor=
import { t, isZh, pick } from '../i18n.js';
import { unitName } from '../format.js';
import { api, ApiError, errorText, itemsOf, currentUser } from '../api.js';
import { h, clear, fmtNum, fmtInt, fmtMoney, score, fmtTime, errorPanel, statusBox, hashWith, chart, escapeHtml, isNum } from '../util.js';
import { table, pager, cursorTrail } from '../table.js';
import { exportButton, allPages } from '../export.js';
import { can, STAFF } from '../routes.js';
import { enterprisePicker, nodePicker, regionPicker } from '../pickers.js';

const COMPONENTS = ['text', 'node', 'industry', 'region_pref', 'cross_city', 'quantity', 'credibility'];
const COLORS = ['#2f6fdd', '#2bb38a', '#8d5bd1', '#f0a020', '#e0533d', '#17a2b8', '#8a8f98'];
const PAGE = 20;
// The largest order value of a deal, 万元 (MATCH_DEAL_VALUE_MAX in match/match.h: 1,000 亿元).
const DEAL_VALUE_MAX = 1e7;

const kindBadge = (k) => h('span', { class: 'badge badge-' + (k === 'supply' ? 'supply' : 'demand'), dataset: { kind: k } }, t('match.kind.' + k));
const statusBadge = (s) => h('span', { class: 'badge' + (s === 'open' ? '' : ' badge-off'), testid: 'posting-status', dataset: { status: s } }, t('match.state.' + s));

export async function render({ main, query, alive }) {
  const user = currentUser() || {};
  const staff = can(user, STAFF);
  const tab = ['board', 'inbox', 'stats'].includes(query.tab) ? query.tab : 'board';
  const tabs = [['board', 'match.tab.board'], ['inbox', 'match.tab.inbox']];
  if (staff) tabs.push(['stats', 'match.tab.stats']);
  main.appendChild(h('nav', { class: 'tabs', testid: 'match-tabs' }, tabs.map(([id, key]) =>
    h('a', { href: hashWith('/match', { tab: id }), class: 'tab' + (id === tab ? ' active' : ''), testid: 'tab-' + id }, t(key)))));
  if (tab === 'inbox') return inbox(main, alive, staff, user);
  if (tab === 'stats' && staff) return stats(main, alive);
  return board(main, query, alive, user, staff);
}

// ---- postings ----

async function board(main, query, alive, user, staff) {
  const SORTS = ['title', 'enterprise', 'kind', 'node', 'quantity', 'valid_until', 'status'];
  const f = {
    q: query.q || '', kind: query.kind || '', region: query.region || '', state: query.state || '', mine: query.mine === '1' ? '1' : '',
    sort: SORTS.includes(query.sort) ? query.sort : '', order: query.order === 'desc' ? 'desc' : (query.order === 'asc' ? 'asc' : ''),
  };
  const go = (q) => { location.hash = hashWith('/match', q); };
  const qIn = h('input', { type: 'search', id: 'm-q', testid: 'match-q', value: f.q, placeholder: t('match.q_hint') });
  const kindSel = h('select', { id: 'm-kind', testid: 'match-kind' }, h('option', { value: '' }, t('common.all')),
    ['supply', 'demand'].map((k) => h('option', { value: k, selected: f.kind === k }, t('match.kind.' + k))));
  const regionIn = regionPicker({ id: 'm-region', testid: 'match-region', initial: f.region || null, prefix: true, size: 14 });
  const stateSel = h('select', { id: 'm-state', testid: 'match-state' },
    ['open', 'expired', 'withdrawn', 'all'].map((s) => h('option', { value: s, selected: (f.state || 'open') === s }, t('match.state.' + s))));
  const mineBox = staff ? null : h('input', { type: 'checkbox', id: 'm-mine', testid: 'match-mine', checked: f.mine === '1' });
  const form = h('form', { class: 'panel panel-tight', testid: 'match-search' },
    h('div', { class: 'form-actions', style: { marginTop: 0 } },
      h('label', { for: 'm-q', class: 'muted' }, t('match.q')), qIn,
      h('label', { for: 'm-kind', class: 'muted' }, t('match.col.kind')), kindSel,
      h('label', { for: 'm-region', class: 'muted' }, t('match.col.region')), regionIn.el,
      h('label', { for: 'm-state', class: 'muted' }, t('match.col.status')), stateSel,
      mineBox ? h('label', { class: 'checks' }, mineBox, t('match.mine')) : null,
      h('button', { type: 'submit', class: 'btn btn-sm btn-primary', testid: 'match-search-go' }, t('common.search')),
      h('a', { class: 'btn btn-sm btn-ghost', href: '#/match' }, t('common.reset')),
      h('span', { class: 'spacer' }),
      staff || user.uscc ? h('button', { type: 'button', class: 'btn btn-sm', testid: 'posting-new', onclick: () => { newForm.hidden = !newForm.hidden; } }, '+ ' + t('match.new')) : null));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    go({ q: qIn.value.trim(), kind: kindSel.value, region: (await regionIn.commit())[0] || '', state: stateSel.value === 'open' ? '' : stateSel.value, mine: mineBox && mineBox.checked ? '1' : '', sort: f.sort, order: f.order });
  });
  const newForm = postingForm(null, staff, (id) => go({ id }));
  newForm.hidden = true;
  const listBox = h('div');
  const detailBox = h('div', { class: 'detail-pane' + (query.id ? ' detail-open' : '') }); // a drawer on a narrow screen (app.js)
  main.append(form, newForm, h('div', { class: 'split' }, listBox, detailBox));

  let res;
  try {
    res = await api('/postings', { query: { q: f.q, kind: f.kind, region: f.region, state: f.state, mine: f.mine, sort: f.sort, order: f.order, limit: 50, cursor: query.cursor } });
  } catch (e) {
    if (alive()) listBox.appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  const items = itemsOf(res);
  const page = Math.max(1, parseInt(query.page || '1', 10) || 1);
  const prevCursor = cursorTrail('postings\u0001' + Object.values(f).join('\u0001'), page, query.cursor);
  listBox.appendChild(h('section', { class: 'panel' },
    h('div', { class: 'panel-head' }, h('h2', null, t('match.postings')),
      h('span', { class: 'muted small', testid: 'postings-total' }, t('match.total', { n: fmtInt(res.total) }),
        f.q ? ' · ' + t('match.mode.' + res.mode) : '')),
    table(items, {
      testid: 'postings-table', empty: t('match.none'),
      // every posting of the search, all pages (web/export.js)
      export: {
        name: t('match.postings'), testid: 'postings-export',
        filters: () => [[t('match.q'), f.q], [t('match.col.kind'), f.kind ? t('match.kind.' + f.kind) : ''],
          [t('match.col.region'), f.region], [t('match.col.status'), t('match.state.' + (f.state || 'open'))]],
        rows: () => allPages((cursor, limit) => api('/postings', { query: { q: f.q, kind: f.kind, region: f.region, state: f.state, mine: f.mine, sort: f.sort, order: f.order, limit, cursor } })),
      },
      // Sorted on the server (every page of the search): a header click asks for page 1 in that order.
      serverSort: true,
      sort: f.sort ? { key: f.sort, order: f.order || 'asc' } : null,
      onSort: (key, order) => go({ ...f, sort: key, order, cursor: '', page: '' }),
      row: (p) => ({ testid: 'posting-row', dataset: { id: String(p.id) }, class: String(p.id) === query.id ? 'selected' : null }),
      open: (p) => go({ ...f, cursor: query.cursor, page: query.page, id: p.id }),
      columns: [
        { key: 'kind', label: t('match.col.kind'), sort: true, first: 'asc', render: (p) => kindBadge(p.kind) },
        { key: 'title', label: t('match.col.title'), sort: true },
        { key: 'enterprise', label: t('match.col.enterprise'), sort: true },
        { key: 'node', label: t('match.col.node'), sort: true, render: (p) => pick(p.node_name, p.node_name_en) || h('span', { class: 'muted' }, '—') },
        { key: 'quantity', label: t('match.col.quantity'), align: 'num', sort: true, render: (p) => (isNum(p.quantity) ? fmtNum(p.quantity) + ' ' + unitName(p.unit) : '—') },
        { key: 'valid_until', label: t('match.col.valid_until'), sort: true, first: 'asc', render: (p) => p.valid_until || '—' },
        { key: 'status', label: t('match.col.status'), sort: true, first: 'asc', render: (p) => statusBadge(p.status) },
      ],
    }),
    page > 1 || res.next_cursor ? pager({
      page, testid: 'postings', small: true,
      prev: page > 1 ? hashWith('/match', { ...f, cursor: prevCursor(page - 1), page: page > 2 ? page - 1 : '' }) : null,
      next: res.next_cursor ? hashWith('/match', { ...f, cursor: res.next_cursor, page: page + 1 }) : null,
    }) : null));
  if (query.id) await detail(detailBox, query.id, alive, user, staff);
  else detailBox.appendChild(h('section', { class: 'panel muted' }, t('match.pick')));
}

// The posting form: new (P null) or edit. Errors name the field and mark it.
function postingForm(p, staff, done) {
  const v = p || {};
  const status = statusBox('posting-status-box');
  const field = (name, el, label, hint) => h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: 'pf-' + name, class: 'field-label' }, t(label)), el.el || el, hint ? h('div', { class: 'muted small' }, hint) : null);
  const inp = (name, attrs) => h('input', { id: 'pf-' + name, testid: 'pf-' + name, name, ...attrs });
  const els = {
    kind: h('select', { id: 'pf-kind', testid: 'pf-kind', disabled: !!p }, ['demand', 'supply'].map((k) => h('option', { value: k, selected: v.kind === k }, t('match.kind.' + k)))),
    uscc: staff && !p ? enterprisePicker({ id: 'pf-uscc', testid: 'pf-uscc' }) : null,
    title: inp('title', { type: 'text', maxlength: 200, value: v.title || '', required: true }),
    description: h('textarea', { id: 'pf-description', testid: 'pf-description', rows: 2, maxlength: 4000 }, v.description || ''),
    node: nodePicker({ id: 'pf-node', testid: 'pf-node', initial: v.chain ? v.chain + '.' + v.node : null, initialLabel: v.node_name || undefined }),
    quantity: inp('quantity', { type: 'text', inputmode: 'decimal', value: isNum(v.quantity) ? String(v.quantity) : '', size: 8 }),
    unit: inp('unit', { type: 'text', value: v.unit || '', size: 4, maxlength: 20 }),
    region_pref: regionPicker({ id: 'pf-region_pref', testid: 'pf-region_pref', multiple: true, initial: v.region_pref || null }),
    valid_until: inp('valid_until', { type: 'date', value: v.valid_until || '' }),
    contact: inp('contact', { type: 'text', value: v.contact || '', maxlength: 200 }),
  };
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'pf-submit' }, t(p ? 'common.save' : 'match.publish'));
  const form = h('form', { class: 'panel form-grid', novalidate: true, testid: 'posting-form' },
    h('h2', null, t(p ? 'match.edit' : 'match.new')),
    field('kind', els.kind, 'match.col.kind'),
    els.uscc ? field('uscc', els.uscc, 'match.col.uscc', t('match.uscc_hint')) : null,
    field('title', els.title, 'match.col.title'),
    field('description', els.description, 'match.col.description'),
    field('node', els.node, 'match.col.node', t('match.node_hint')),
    h('div', { class: 'field-row' }, field('quantity', els.quantity, 'match.col.quantity'), field('unit', els.unit, 'match.col.unit')),
    field('region_pref', els.region_pref, 'match.col.region_pref', t('match.region_hint')),
    field('valid_until', els.valid_until, 'match.col.valid_until'),
    field('contact', els.contact, 'match.col.contact', t('match.contact_hint')),
    h('div', { class: 'form-actions' }, submit), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    form.querySelectorAll('.field.invalid').forEach((x) => x.classList.remove('invalid'));
    const body = {};
    for (const [k, el] of Object.entries(els)) {
      if (!el || (p && k === 'kind')) continue;
      // A picker gives codes (several joined with ';'); what is still typed is resolved first.
      const val = el.commit ? (await el.commit()).join(';') : el.value.trim();
      if (p) body[k] = val; // an edit sends every field ("" clears it)
      else if (val) body[k] = val;
    }
    if (!body.title) {
      status.show('error', t('match.title_required'));
      form.querySelector('[data-field="title"]').classList.add('invalid');
      els.title.focus();
      return;
    }
    submit.disabled = true;
    try {
      const r = await api(p ? '/postings/' + p.id : '/postings', p ? { method: 'PATCH', json: body } : { json: body });
      status.show('ok', t('match.saved'));
      done(r.id);
    } catch (e) {
      status.show('error', errorText(e));
      const fe = e instanceof ApiError && e.field && form.querySelector(`[data-field="${e.field}"]`);
      if (fe) fe.classList.add('invalid');
      submit.disabled = false;
    }
  });
  return form;
}

async function detail(box, id, alive, user, staff) {
  let p;
  try {
    p = await api('/postings/' + encodeURIComponent(id));
  } catch (e) {
    if (alive()) box.appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  const own = staff || p.uscc === user.uscc;
  const status = statusBox('posting-action-status');
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const kv = (k, val) => [h('dt', null, t(k)), h('dd', null, val === undefined || val === null || val === '' ? t('common.unknown') : val)];
  const edit = postingForm(p, staff, reload);
  edit.hidden = true;
  box.appendChild(h('section', { class: 'panel', testid: 'posting-detail', dataset: { id: String(p.id) } },
    h('div', { class: 'panel-head' }, h('h2', null, kindBadge(p.kind), ' ', p.title), statusBadge(p.status)),
    h('dl', { class: 'kv' },
      kv('match.col.enterprise', own || staff ? h('a', { href: '#/enterprise/' + encodeURIComponent(p.uscc) }, p.enterprise) : p.enterprise),
      kv('match.col.node', pick(p.node_name, p.node_name_en) || ''),
      kv('match.col.quantity', isNum(p.quantity) ? fmtNum(p.quantity) + ' ' + unitName(p.unit) : ''),
      kv('match.col.region_pref', p.region_pref), kv('match.col.valid_until', p.valid_until),
      'contact' in p ? kv('match.col.contact', p.contact) : null,
      kv('match.col.created', fmtTime(p.created_at))),
    p.description ? h('p', null, p.description) : null,
    own && p.status === 'open' ? h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'btn btn-sm', testid: 'posting-edit', onclick: () => { edit.hidden = !edit.hidden; } }, t('match.edit')),
      h('button', {
        type: 'button', class: 'btn btn-sm btn-ghost', testid: 'posting-withdraw',
        onclick: async () => {
          if (!confirm(t('match.withdraw_confirm'))) return;
          try { await api('/postings/' + p.id + '/withdraw', { json: {} }); reload(); } catch (e) { status.show('error', errorText(e)); }
        },
      }, t('match.withdraw'))) : null,
    status));
  box.appendChild(edit);
  if (!own) return;
  if (p.status !== 'open') {
    box.appendChild(h('section', { class: 'panel muted', testid: 'no-matches' }, t('match.not_open')));
    return;
  }
  const matchBox = h('section', { class: 'panel', testid: 'matches' });
  box.appendChild(matchBox);
  await matches(matchBox, p, '', alive);
}

async function matches(box, p, cursor, alive, page = 1) {
  let r;
  try {
    r = await api('/postings/' + p.id + '/matches', { query: { limit: PAGE, cursor } });
  } catch (e) {
    if (alive()) clear(box).appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  const items = r.items || [];
  const prevCursor = cursorTrail('matches\u0001' + p.id, page, cursor);
  const chartEl = h('div', { class: 'chart chart-tall', testid: 'match-chart', id: 'match-chart' });
  const status = statusBox('deal-status');
  const name = (c) => (isZh() ? c.name_zh : t('match.comp.' + c.component));
  clear(box).append(...[
    h('div', { class: 'panel-head' }, h('h2', null, t('match.matches')),
      h('span', { class: 'muted small', testid: 'matches-total' }, t('match.total_matches', { n: fmtInt(r.total) }))),
    h('p', { class: 'muted small' }, t('match.how')),
    items.length ? chartEl : null,
    status,
    table(items, {
      testid: 'matches-table', empty: t('match.no_matches'), emptyTestid: 'matches-empty',
      row: (m) => ({ testid: 'match-row', dataset: { type: m.type, id: String(m.id) } }),
      columns: [
        { key: 'rank', label: '#', align: 'num', render: (m) => fmtInt(m.rank) },
        { key: 'counterpart', label: t('match.col.counterpart'),
          render: (m) => [h('div', null, m.type === 'posting' ? kindBadge(p.kind === 'supply' ? 'demand' : 'supply') : h('span', { class: 'badge' }, t('match.registered')), ' ', m.title),
            h('div', { class: 'small muted' }, m.enterprise, m.node_name ? ' · ' + pick(m.node_name, m.node_name_en) : '')] },
        { key: 'region', label: t('match.col.region'), render: (m) => m.region_name || m.region },
        { key: 'score', label: t('match.col.score') + t('fmt.score_scale'), align: 'num', render: (m) => h('strong', null, score(m.score)) },
        { key: 'why', label: t('match.col.why'), render: (m) => h('details', { testid: 'match-why' }, h('summary', null, t('match.explain')),
          table(m.explanation || [], {
            testid: 'explanation', class: 'data-compact', head: false, cards: false,
            row: (c) => ({ dataset: { component: c.component } }),
            columns: [
              { key: 'name', label: '', render: name },
              { key: 'value', label: '', align: 'num', render: (c) => fmtNum(c.value, 2) + ' × ' + fmtNum(c.weight, 2) },
              { key: 'contribution', label: '', align: 'num', render: (c) => fmtNum(c.contribution, 3) },
              { key: 'reason', label: '', class: 'small', render: (c) => (isZh() ? c.reason_zh : c.reason_en) },
            ],
          }).table) },
        { key: 'deal', label: t('match.col.deal'), render: (m) => dealButtons(p, m, status) },
      ],
    }),
    page > 1 || r.next_cursor ? pager({
      page, testid: 'matches', small: true,
      prev: page > 1 ? () => matches(box, p, prevCursor(page - 1), alive, page - 1) : null,
      next: r.next_cursor ? () => matches(box, p, r.next_cursor, alive, page + 1) : null,
    }) : null,
  ].filter(Boolean));
  if (!items.length) return;
  // Stacked bars: each match's score split into its components' contributions.
  const top = items.slice(0, 10);
  chart(chartEl, {
    tooltip: {
      trigger: 'axis', axisPointer: { type: 'shadow' },
      formatter: (ps) => {
        const m = top[ps[0].dataIndex];
        return `<b>${escapeHtml(m.title)}</b> ${escapeHtml(score(m.score))}<br>` + ps.map((x) => `${x.marker}${escapeHtml(x.seriesName)}: ${escapeHtml(fmtNum(x.value, 3))}`).join('<br>');
      },
    },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', max: 1 },
    yAxis: { type: 'category', inverse: true, data: top.map((m) => (m.title.length > 16 ? m.title.slice(0, 16) + '…' : m.title)) },
    // A service posting's explanation has its own components (capability, track record ...).
    series: (top[0].explanation ? top[0].explanation.map((x) => x.component) : COMPONENTS).map((c, k) => ({
      name: isZh() ? ((top[0].explanation || [])[k] || {}).name_zh || c : t('match.comp.' + c), type: 'bar', stack: 'score', barMaxWidth: 18, color: COLORS[k],
      data: top.map((m) => ((m.explanation || []).find((x) => x.component === c) || {}).contribution || 0),
    })),
  });
}

function dealButtons(p, m, status) {
  const send = async (st, btn) => {
    const body = { posting: p.id, status: st };
    if (m.type === 'posting') body.cp_posting = m.id; else body.cp_uscc = m.uscc;
    if (st === 'agreed') {
      const v = prompt(t('match.deal_value'));
      if (v === null) return;
      if (v.trim()) {
        const x = Number(v.trim());
        if (!Number.isFinite(x) || x <= 0 || x > DEAL_VALUE_MAX) { status.show('error', t('match.deal_value_bad')); return; }
        body.value = x;
      }
    }
    btn.disabled = true;
    try {
      const r = await api('/deals', { json: body });
      // An enterprise's agreement waits for the other side's confirmation.
      status.show('ok', t(r.status === 'proposed' ? 'match.deal_proposed' : 'match.deal_marked', { status: t('match.deal.' + (r.status || st)) }));
      btn.closest('td').querySelectorAll('button').forEach((b) => b.classList.toggle('btn-primary', b === btn));
    } catch (e) {
      status.show('error', errorText(e));
    } finally {
      btn.disabled = false;
    }
  };
  return h('div', { class: 'btn-group' }, ['contacted', 'agreed', 'failed'].map((st) => {
    const b = h('button', { type: 'button', class: 'btn btn-xs', testid: 'deal-' + st, onclick: () => send(st, b) }, t('match.deal.' + st));
    return b;
  }));
}

// ---- subscriptions and inbox ----

async function inbox(main, alive, staff, user) {
  const status = statusBox('follow-status');
  const whatSel = h('select', { id: 'f-what', testid: 'follow-what' }, ['keyword', 'node', 'region'].map((w) => h('option', { value: w }, t('match.follow.' + w))));
  // A keyword is typed; a node or a region is picked by name (pickers.js), or its code typed.
  const valueIn = h('input', { type: 'text', id: 'f-value', testid: 'follow-value', placeholder: t('match.follow_hint') });
  const nodeIn = nodePicker({ id: 'f-node', testid: 'follow-node', size: 24 });
  const regionIn = regionPicker({ id: 'f-region', testid: 'follow-region', size: 24 });
  const valueBox = h('span', { class: 'follow-value' }, valueIn);
  whatSel.addEventListener('change', () => {
    clear(valueBox).appendChild(whatSel.value === 'node' ? nodeIn.el : whatSel.value === 'region' ? regionIn.el : valueIn);
  });
  const kindSel = h('select', { id: 'f-kind', testid: 'follow-kind' }, h('option', { value: '' }, t('common.all')),
    ['supply', 'demand'].map((k) => h('option', { value: k }, t('match.kind.' + k))));
  const form = h('form', { class: 'panel panel-tight', testid: 'follow-form', novalidate: true },
    h('div', { class: 'form-actions', style: { marginTop: 0 } },
      h('label', { for: 'f-what', class: 'muted' }, t('match.follow_what')), whatSel, valueBox, kindSel,
      h('button', { type: 'submit', class: 'btn btn-sm btn-primary', testid: 'follow-submit' }, t('match.follow')), status));
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const picker = whatSel.value === 'node' ? nodeIn : whatSel.value === 'region' ? regionIn : null;
    const value = picker ? (await picker.commit())[0] || '' : valueIn.value.trim();
    if (!value) { status.show('error', t('match.follow_value_required')); (picker ? picker.input : valueIn).focus(); return; }
    try {
      await api('/subscriptions', { json: { what: whatSel.value, value, kind: kindSel.value || undefined } });
      reload();
    } catch (e) {
      status.show('error', errorText(e));
    }
  });
  main.appendChild(form);
  let subs, box, deals;
  try {
    [subs, box, deals] = await Promise.all([api('/subscriptions'), api('/inbox'), api('/deals')]);
  } catch (e) {
    if (alive()) main.appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  const subItems = itemsOf(subs);
  main.appendChild(h('section', { class: 'panel', testid: 'subscriptions' },
    h('h2', null, t('match.subscriptions')),
    subItems.length ? h('ul', { class: 'chips' }, subItems.map((s) => h('li', { class: 'chip', testid: 'subscription', dataset: { id: String(s.id) } },
      t('match.follow.' + s.what) + '：' + s.value, s.kind ? ' (' + t('match.kind.' + s.kind) + ')' : '', ' · ', t('match.delivered', { n: fmtInt(s.delivered) }), ' ',
      h('button', {
        type: 'button', class: 'btn btn-xs btn-ghost', title: t('match.unfollow'), testid: 'unfollow',
        onclick: async () => { try { await api('/subscriptions/' + s.id, { method: 'DELETE' }); reload(); } catch (e) { status.show('error', errorText(e)); } },
      }, '×'))))
      : h('p', { class: 'muted' }, t('match.no_subscriptions'))));
  const items = itemsOf(box);
  main.appendChild(h('section', { class: 'panel', testid: 'inbox' },
    h('div', { class: 'panel-head' }, h('h2', null, t('match.inbox'), ' ', h('span', { class: 'badge', testid: 'inbox-unread' }, t('match.unread', { n: fmtInt(box.unread) }))),
      box.unread ? h('button', {
        type: 'button', class: 'btn btn-sm', testid: 'inbox-read-all',
        onclick: async () => { await api('/inbox/read', { json: {} }); reload(); },
      }, t('match.read_all')) : null),
    table(items, {
      emptyBlock: true, empty: t('match.inbox_empty'), emptyTestid: 'inbox-empty',
      row: (it) => ({ testid: 'inbox-item', class: it.read ? null : 'unread', dataset: { posting: String(it.posting.id) } }),
      columns: [
        { key: 'at', label: t('match.col.at'), render: (it) => fmtTime(it.at) },
        { key: 'kind', label: t('match.col.kind'), render: (it) => kindBadge(it.posting.kind) },
        { key: 'title', label: t('match.col.title'), render: (it) => h('a', { href: hashWith('/match', { id: it.posting.id }) }, it.posting.title) },
        { key: 'enterprise', label: t('match.col.enterprise'), render: (it) => it.posting.enterprise },
        { key: 'because', label: t('match.col.because'), class: 'small muted', render: (it) => t('match.follow.' + it.subscription.what) + '：' + it.subscription.value },
      ],
    })));
  main.appendChild(dealsPanel(itemsOf(deals), staff, user));
}

// A deal is agreed only when both sides confirm it: a party's agreement is "proposed" until the
// other side confirms it here (POST /deals with status agreed, no value: the value proposed).
function dealsPanel(items, staff, user = {}) {
  const status = statusBox('deal-confirm-status');
  const mark = (ok) => (ok ? '✓' : '…');
  const confirmButton = (d, row) => {
    const mySide = d.supplier.uscc === user.uscc ? 'supplier' : d.buyer.uscc === user.uscc ? 'buyer' : null;
    if (staff || d.status !== 'proposed' || !mySide || d[mySide + '_confirmed']) return null;
    const body = { posting: d.posting_id, status: 'agreed' };
    if (d.cp_posting_id) body.cp_posting = d.cp_posting_id;
    else body.cp_uscc = (d.kind === 'supply' ? d.buyer : d.supplier).uscc;
    const b = h('button', { type: 'button', class: 'btn btn-xs btn-primary', testid: 'deal-confirm', onclick: async () => {
      b.disabled = true;
      try {
        const r = await api('/deals', { json: body });
        row.dataset.status = r.status;
        const badge = row.querySelector('.badge');
        badge.className = 'badge badge-deal-' + r.status;
        badge.textContent = t('match.deal.' + r.status);
        row.querySelector('[data-testid="deal-sides"]').textContent = t('match.deal_sides', { s: mark(r.supplier_confirmed), b: mark(r.buyer_confirmed) });
        b.remove();
        status.show('ok', t('match.deal_marked', { status: t('match.deal.' + r.status) }));
      } catch (e) {
        b.disabled = false;
        status.show('error', errorText(e));
      }
    } }, t('match.deal_confirm'));
    return b;
  };
  return h('section', { class: 'panel', testid: 'deals' },
    h('h2', null, t(staff ? 'match.deals' : 'match.my_deals')),
    h('p', { class: 'muted small' }, t('match.deal_rule')),
    status,
    table(items, {
      testid: 'deals-table', emptyBlock: true, empty: t('match.no_deals'), export: { name: t(staff ? 'match.deals' : 'match.my_deals') },
      pageSize: 20, pagerTestid: 'deals-pager', filter: { text: (d) => [d.title, d.supplier.name, d.buyer.name, t('match.deal.' + d.status)].join(' '), testid: 'deals-filter' },
      row: (d) => ({ testid: 'deal-row', dataset: { status: d.status } }),
      // The confirm button needs the row (it updates the row's status in place).
      expand: (d, row) => { const b = confirmButton(d, row); if (b) row.children[3].appendChild(h('div', null, b)); return row; },
      columns: [
        { key: 'title', label: t('match.col.title'), sort: (d) => d.title, render: (d) => h('a', { href: hashWith('/match', { id: d.posting_id }) }, d.title) },
        { key: 'supplier', label: t('match.col.supplier'), sort: (d) => d.supplier.name, render: (d) => d.supplier.name },
        { key: 'buyer', label: t('match.col.buyer'), sort: (d) => d.buyer.name, render: (d) => d.buyer.name },
        { key: 'status', label: t('match.col.status'), sort: (d) => t('match.deal.' + d.status),
          render: (d) => [h('span', { class: 'badge badge-deal-' + d.status }, t('match.deal.' + d.status)),
            h('div', { class: 'small muted', testid: 'deal-sides' }, t('match.deal_sides', { s: mark(d.supplier_confirmed), b: mark(d.buyer_confirmed) }))] },
        { key: 'value', label: t('match.col.value'), align: 'num', sort: true, class: 'nowrap', render: (d) => fmtMoney(d.value) },
        { key: 'updated_at', label: t('match.col.updated'), sort: true, first: 'desc', render: (d) => fmtTime(d.updated_at) },
      ],
    }));
}

// ---- statistics ----

// The statistics behind the charts as XLSX: by chain, and by direction and month in the same
// columns' spirit (web/export.js).
function statsExport(s) {
  const cols = [
    { key: 'name', label: t('chain.col.chain'), render: (c) => (isZh() ? c.name_zh : c.name_en) },
    { key: 'supply', label: t('match.kind.supply'), align: 'num', render: (c) => fmtInt(c.supply) },
    { key: 'demand', label: t('match.kind.demand'), align: 'num', render: (c) => fmtInt(c.demand) },
    { key: 'deals', label: t('match.st.deals'), align: 'num', render: (c) => fmtInt(c.deals) },
    { key: 'agreed', label: t('match.st.agreed'), align: 'num', render: (c) => fmtInt(c.agreed) },
    { key: 'value', label: t('match.st.value'), align: 'num', render: (c) => fmtMoney(c.value) },
  ];
  return exportButton({ name: t('match.by_chain'), testid: 'stats-export' }, cols, () => s.by_chain || []);
}

async function stats(main, alive) {
  let s, deals;
  try {
    [s, deals] = await Promise.all([api('/match/stats'), api('/deals')]);
  } catch (e) {
    if (alive()) main.appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  const tot = s.totals || {};
  const card = (key, v, id) => h('div', { class: 'stat', testid: id }, h('div', { class: 'stat-value' }, v), h('div', { class: 'stat-label' }, t(key)));
  main.appendChild(h('div', { class: 'stats' },
    card('match.st.open_supply', fmtInt(tot.open_supply), 'st-supply'), card('match.st.open_demand', fmtInt(tot.open_demand), 'st-demand'),
    card('match.st.deals', fmtInt(tot.deals), 'st-deals'), card('match.st.agreed', fmtInt(tot.agreed), 'st-agreed'),
    card('match.st.value', fmtMoney(tot.value), 'st-value')));
  const chainEl = h('div', { class: 'chart chart-tall', id: 'stats-chain', testid: 'stats-chain' });
  const dirEl = h('div', { class: 'chart', id: 'stats-direction', testid: 'stats-direction' });
  const monthEl = h('div', { class: 'chart', id: 'stats-month', testid: 'stats-month' });
  main.append(
    h('section', { class: 'panel' }, h('h2', null, t('match.by_chain')), statsExport(s), chainEl),
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel' }, h('h2', null, t('match.by_direction')), dirEl,
        table(s.by_direction || [], {
          testid: 'direction-table', class: 'data-compact', head: false, cards: false,
          row: (d) => ({ dataset: { direction: d.direction } }),
          columns: [
            { key: 'name', label: '', render: (d) => (isZh() ? d.name_zh : d.name_en) },
            { key: 'deals', label: t('match.st.deals'), align: 'num', render: (d) => fmtInt(d.deals) },
            { key: 'agreed', label: t('match.st.agreed'), align: 'num', render: (d) => fmtInt(d.agreed) },
            { key: 'value', label: t('match.st.value'), align: 'num', class: 'nowrap', render: (d) => fmtMoney(d.value) },
          ],
        }).table),
      h('section', { class: 'panel' }, h('h2', null, t('match.by_month')), monthEl)),
    dealsPanel(itemsOf(deals), true));
  const chains = (s.by_chain || []).slice(0, 15);
  chart(chainEl, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', inverse: true, data: chains.map((c) => (isZh() ? c.name_zh : c.name_en)) },
    series: [
      { name: t('match.kind.supply'), type: 'bar', stack: 'p', data: chains.map((c) => c.supply), color: '#2bb38a' },
      { name: t('match.kind.demand'), type: 'bar', stack: 'p', data: chains.map((c) => c.demand), color: '#2f6fdd' },
      { name: t('match.st.deals'), type: 'bar', data: chains.map((c) => c.deals), color: '#f0a020' },
    ],
  }, { empty: t('dash.empty.month') });
  const dirs = s.by_direction || [];
  chart(dirEl, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: dirs.map((d) => (isZh() ? d.name_zh : d.name_en)), axisLabel: { interval: 0, width: 90, overflow: 'break' } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('match.st.deals'), type: 'bar', data: dirs.map((d) => d.deals), color: '#8a8f98' },
      { name: t('match.st.agreed'), type: 'bar', data: dirs.map((d) => d.agreed), color: '#e0533d' },
    ],
  }, { empty: t('dash.empty.direction') });
  const months = s.by_month || [];
  chart(monthEl, {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: months.map((m) => m.month) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('match.st.postings'), type: 'line', data: months.map((m) => m.postings) },
      { name: t('match.st.deals'), type: 'line', data: months.map((m) => m.deals) },
      { name: t('match.st.agreed'), type: 'line', data: months.map((m) => m.agreed) },
    ],
  }, { empty: t('dash.empty.month') });
}
