// Lists: the lists kept from model runs, one list's entries and versions, the diff of two
// versions, and (analysts, admins) creating a list from a model and changing entries with a reason.
// Address: #/lists?list=NAME&version=N&from=A&to=B
import { t, pick } from '../i18n.js';
import { api, errorText, itemsOf, apiUrl } from '../api.js';
import { h, clear, fmtNum, score, fmtInt, fmtTime, errorPanel, statusBox, hashWith, actorName } from '../util.js';
import { evalTabs, tierBadge, tierName } from '../evalkit.js';
import { table } from '../table.js';
import { can, EDIT } from '../routes.js';
import { enterprisePicker } from '../pickers.js';
import { asOfLine } from '../asof.js';

export async function render({ main, query, user, alive }) {
  main.appendChild(evalTabs('lists'));
  const canEdit = can(user, EDIT);
  const [listsRes, models] = await Promise.all([api('/lists'), api('/models').catch(() => [])]);
  if (!alive()) return;
  const lists = itemsOf(listsRes);
  const modelById = new Map(models.map((m) => [m.id, m]));
  const modelName = (id) => { const m = modelById.get(id); return m ? pick(m.name_zh, m.name_en) : id; };

  const listsPanel = h('section', { class: 'panel', testid: 'lists-panel' },
    h('h2', null, t('lists.title')),
    table(lists, {
      testid: 'lists-table', empty: t('lists.none'), export: { name: t('lists.title') },
      row: (l) => ({ testid: 'list-row', dataset: { list: l.name }, class: l.name === query.list ? 'selected' : null }),
      open: (l) => { location.hash = hashWith('/lists', { list: l.name }); },
      columns: [
        { key: 'name', label: t('lists.col.name'), sort: true, render: (l) => h('strong', null, l.name) },
        { key: 'model', label: t('lists.col.model'), sort: (l) => modelName(l.model), render: (l) => modelName(l.model) },
        { key: 'version', label: t('lists.col.version'), align: 'num', sort: true, render: (l) => 'v' + l.version },
        { key: 'entries', label: t('lists.col.entries'), align: 'num', sort: true, render: (l) => fmtInt(l.entries) },
        { key: 'created_at', label: t('lists.col.created'), class: 'nowrap', sort: true, first: 'desc', render: (l) => fmtTime(l.created_at) },
      ],
    }));
  main.appendChild(canEdit ? h('div', { class: 'grid-2' }, listsPanel, createForm(models)) : listsPanel);

  if (!query.list) return;
  const name = query.list;
  const base = '/lists/' + encodeURIComponent(name);
  let list, versions;
  try {
    [list, versions] = await Promise.all([api(base, { query: { version: query.version } }), api(base + '/versions')]);
  } catch (e) {
    if (!alive()) return;
    main.appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  versions = itemsOf(versions);
  const latest = versions.reduce((a, v) => Math.max(a, v.version), 0);
  const model = modelById.get(list.model);
  const exportHref = apiUrl(base + '/export', { version: list.version });

  main.appendChild(asOfLine(list.as_of)); // 数据截至 (web/asof.js)
  // Entries of the version shown.
  const entries = list.entries || [];
  main.appendChild(h('section', { class: 'panel', testid: 'list-detail', dataset: { list: name, version: String(list.version) }, style: { marginTop: '16px' } },
    h('div', { class: 'panel-head' },
      h('h2', { testid: 'list-title' }, t('lists.detail', { name, version: list.version })),
      h('div', { class: 'form-actions', style: { marginTop: 0 } },
        h('span', { class: 'muted small' }, modelName(list.model) + ' · ' + t('lists.year', { year: list.year ?? '—' }) + ' · ' + actorName(list.actor) + ' · ' + fmtTime(list.created_at)),
        h('a', { class: 'btn btn-sm', href: exportHref, download: `${name}-v${list.version}.xlsx`, testid: 'list-export' }, t('lists.export')))),
    list.note ? h('p', { class: 'lead small' }, t('lists.note') + '：' + list.note) : null,
    table(entries, {
      testid: 'entries-table', wrap: { class: 'table-scroll' }, pageSize: 50, pagerTestid: 'entries-pager',
      filter: { text: (en) => [en.name, en.uscc, en.tier ? tierName(model, en.tier) : '', en.reason].join(' '), testid: 'entries-filter' },
      export: { name: t('lists.detail', { name, version: list.version }), testid: 'entries-export',
        filters: [[t('lists.col.model'), modelName(list.model)], [t('common.year'), list.year]] },
      row: (en) => ({ testid: 'entry-row', dataset: { uscc: en.uscc } }),
      columns: [
        { key: 'rank', label: t('eval.col.rank'), align: 'num', sort: true, first: 'asc', render: (en) => en.rank ?? '' },
        { key: 'name', label: t('ent.col.name'), class: 'col-name', sort: (en) => en.name || en.uscc,
          render: (en) => [h('a', { href: '#/enterprise/' + encodeURIComponent(en.uscc) }, en.name || en.uscc),
            en.manual ? h('span', { class: 'badge badge-manual' }, t('lists.manual')) : null] },
        { key: 'tier', label: t('eval.col.tier'), sort: (en) => tierName(model, en.tier), render: (en) => (en.tier ? tierBadge(model, en.tier) : null) },
        { key: 'score', label: t('eval.col.score') + t('fmt.score_scale'), align: 'num', sort: true, render: (en) => score(en.score) },
        { key: 'reason', label: t('lists.col.reason'), class: 'small', render: (en) => pick(en.reason_zh, en.reason_en) || en.reason || '' },
        canEdit && list.version === latest ? { key: 'actions', label: t('common.actions'), class: 'nowrap', render: (en) => [
          h('button', { type: 'button', class: 'btn btn-sm', testid: 'entry-tier', onclick: () => change.prefill('tier', en) }, t('lists.action.tier')), ' ',
          h('button', { type: 'button', class: 'btn btn-sm btn-danger', testid: 'entry-remove', onclick: () => change.prefill('remove', en) }, t('lists.action.remove'))] } : null,
      ],
    })));

  // A listing-reserve list: the reserve's listing progress (上市服务's funnel) below it.
  if (list.model === 'listing_reserve') {
    const funnel = await (await import('./listing.js')).funnelSection();
    if (!alive()) return;
    if (funnel) main.appendChild(h('div', { style: { marginTop: '16px' } }, funnel));
  }

  const change = canEdit ? changeForm(name, model, latest) : null;

  // Versions and the diff.
  const vsel = (id, cur) => h('select', { id, testid: id }, versions.map((v) => h('option', { value: String(v.version), selected: v.version === cur }, 'v' + v.version)));
  const to = Number(query.to) || latest;
  const from = Number(query.from) || Math.max(1, to - 1);
  const fromSel = vsel('diff-from', from), toSel = vsel('diff-to', to);
  const diffBox = h('div', { testid: 'diff' });
  const versionsPanel = h('section', { class: 'panel', testid: 'versions-panel' },
    h('h2', null, t('lists.versions')),
    table(versions, {
      testid: 'versions-table', export: { name: name + ' ' + t('lists.versions') },
      row: (v) => ({ dataset: { version: String(v.version) }, class: v.version === list.version ? 'selected' : null }),
      columns: [
        { key: 'version', label: t('lists.col.version'),
          render: (v) => [h('a', { href: hashWith('/lists', { list: name, version: v.version }) }, 'v' + v.version),
            v.manual ? h('span', { class: 'badge badge-manual' }, t('lists.manual')) : null] },
        { key: 'created_at', label: t('lists.col.created'), class: 'nowrap', render: (v) => fmtTime(v.created_at) },
        { key: 'actor', label: t('lists.col.actor'), render: (v) => actorName(v.actor) },
        { key: 'note', label: t('lists.note'), class: 'small', render: (v) => v.note || '' },
        { key: 'entries', label: t('lists.col.entries'), align: 'num', render: (v) => fmtInt(v.entries) },
      ],
    }));
  const diffPanel = h('section', { class: 'panel', testid: 'diff-panel' },
    h('h2', null, t('lists.diff')),
    h('div', { class: 'form-actions', style: { marginTop: 0, marginBottom: '12px' } },
      h('label', { for: 'diff-from' }, t('lists.diff_from')), fromSel, h('label', { for: 'diff-to' }, t('lists.diff_to')), toSel,
      h('button', {
        type: 'button', class: 'btn btn-sm', testid: 'diff-show',
        onclick: () => { location.hash = hashWith('/lists', { list: name, version: query.version, from: fromSel.value, to: toSel.value }); },
      }, t('lists.diff_show'))),
    diffBox);
  main.appendChild(h('div', { class: 'grid-2', style: { marginTop: '16px' } }, versionsPanel, change ? h('div', { class: 'stack' }, change) : h('div')));
  main.appendChild(h('div', { style: { marginTop: '16px' } }, diffPanel));

  if (versions.length < 2 || from === to) {
    diffBox.appendChild(h('p', { class: 'muted', testid: 'diff-none' }, t('lists.diff_need_two')));
    return;
  }
  try {
    const d = await api(base + '/diff', { query: { from, to } });
    if (!alive()) return;
    const section = (key, rows, cols) => h('div', { class: 'diff-part diff-' + key, testid: 'diff-' + key },
      h('h3', null, t('lists.diff.' + key), ' ', h('span', { class: 'badge' }, fmtInt(rows.length))),
      table(rows, {
        emptyBlock: true, empty: t('common.none'),
        export: { name: t('lists.diff.' + key) + ' v' + from + '–v' + to, filters: [[t('lists.col.name'), name]] },
        row: (r) => ({ testid: 'diff-row', dataset: { uscc: r.uscc } }),
        columns: [
          { key: 'name', label: t('ent.col.name'), class: 'col-name',
            render: (r) => h('a', { href: '#/enterprise/' + encodeURIComponent(r.uscc) }, r.name || r.uscc) },
          ...cols.map(([k, f]) => ({ key: k, label: t(k), render: f })),
          { key: 'reason', label: t('lists.col.reason'), class: 'small', render: (r) => pick(r.reason_zh, r.reason_en) || r.reason || '' },
        ],
      }));
    clear(diffBox).append(
      h('p', { class: 'muted small', testid: 'diff-range' }, t('lists.diff_range', { from, to })),
      h('div', { class: 'diff-grid' },
        section('entered', d.entered || [], [['eval.col.tier', (r) => tierName(model, r.tier)]]),
        section('exited', d.exited || [], [['eval.col.tier', (r) => tierName(model, r.tier)]]),
        section('changed', d.changed || [], [['lists.diff.from_to', (r) => tierName(model, r.from) + ' → ' + tierName(model, r.to)]])));
  } catch (e) {
    if (alive()) clear(diffBox).appendChild(errorPanel(errorText(e)));
  }
}

// New list from a model: name, model, note.
function createForm(models) {
  const status = statusBox('create-status');
  const nameIn = h('input', { type: 'text', id: 'list-name', testid: 'list-name', maxlength: 64, required: true });
  const modelSel = h('select', { id: 'list-model', testid: 'list-model' }, models.map((m) => h('option', { value: m.id }, pick(m.name_zh, m.name_en))));
  const noteIn = h('input', { type: 'text', id: 'list-note', testid: 'list-note', maxlength: 500 });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'list-create' }, t('lists.create'));
  const form = h('form', { class: 'panel', testid: 'create-form', novalidate: true },
    h('h2', null, t('lists.create_title')),
    h('p', { class: 'lead small' }, t('lists.create_hint')),
    h('div', { class: 'form-grid' },
      h('div', { class: 'field' }, h('label', { for: 'list-name' }, t('lists.col.name')), nameIn),
      h('div', { class: 'field' }, h('label', { for: 'list-model' }, t('lists.col.model')), modelSel),
      h('div', { class: 'field field-wide' }, h('label', { for: 'list-note' }, t('lists.note')), noteIn)),
    h('div', { class: 'form-actions' }, submit), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const name = nameIn.value.trim();
    if (!name) { status.show('error', t('lists.name_required')); nameIn.focus(); return; }
    submit.disabled = true;
    status.show('info', t('common.saving'));
    try {
      await api('/lists', { json: { name, model: modelSel.value, note: noteIn.value.trim() } });
      location.hash = hashWith('/lists', { list: name });
    } catch (e) {
      status.show('error', errorText(e));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// Add / remove / change tier, each with a reason (checked here too: the server refuses none).
function changeForm(name, model, latest) {
  const status = statusBox('change-status');
  const action = h('select', { id: 'change-action', testid: 'change-action' },
    ['add', 'remove', 'tier'].map((a) => h('option', { value: a }, t('lists.action.' + a))));
  const usccIn = enterprisePicker({ id: 'change-uscc', testid: 'change-uscc' });
  const tierSel = h('select', { id: 'change-tier', testid: 'change-tier' },
    ((model && model.tiers) || []).map((tr) => h('option', { value: tr.id }, pick(tr.name_zh, tr.name_en))));
  const reasonIn = h('textarea', { id: 'change-reason', testid: 'change-reason', rows: 2, maxlength: 500 });
  const tierField = h('div', { class: 'field' }, h('label', { for: 'change-tier' }, t('eval.col.tier')), tierSel);
  const sync = () => { tierField.hidden = action.value === 'remove'; };
  action.addEventListener('change', sync);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'change-submit' }, t('lists.change_submit'));
  const form = h('form', { class: 'panel', testid: 'change-form', novalidate: true },
    h('h2', null, t('lists.change_title', { version: latest })),
    h('p', { class: 'lead small' }, t('lists.change_hint')),
    h('div', { class: 'form-grid' },
      h('div', { class: 'field' }, h('label', { for: 'change-action' }, t('lists.action')), action),
      h('div', { class: 'field' }, h('label', { for: 'change-uscc' }, t('lists.col.enterprise')), usccIn.el),
      tierField,
      h('div', { class: 'field field-wide' }, h('label', { for: 'change-reason' }, t('lists.col.reason') + ' *'), reasonIn)),
    h('div', { class: 'form-actions' }, submit), status);
  form.prefill = (act, entry) => {
    action.value = act;
    usccIn.set(entry.uscc, entry.name || undefined);
    if (entry.tier) tierSel.value = entry.tier;
    sync();
    status.hide();
    form.scrollIntoView({ block: 'nearest' });
    reasonIn.focus();
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const uscc = ((await usccIn.commit())[0] || '').toUpperCase();
    const reason = reasonIn.value.trim();
    if (!uscc) { status.show('error', t('lists.uscc_required')); usccIn.input.focus(); return; }
    if (!reason) { status.show('error', t('lists.reason_required')); reasonIn.focus(); return; }
    const body = { action: action.value, uscc, reason };
    if (action.value !== 'remove') body.tier = tierSel.value;
    submit.disabled = true;
    status.show('info', t('common.saving'));
    try {
      const r = await api('/lists/' + encodeURIComponent(name) + '/changes', { json: body });
      const v = r && r.version ? r.version : latest + 1;
      location.hash = hashWith('/lists', { list: name, from: v - 1, to: v });
    } catch (e) {
      status.show('error', errorText(e));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
