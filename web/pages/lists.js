// Lists: the lists kept from model runs, one list's entries and versions, the diff of two
// versions, and (analysts, admins) creating a list from a model and changing entries with a reason.
// Address: #/lists?list=NAME&version=N&from=A&to=B
import { t, pick } from '../i18n.js';
import { api, ApiError, errorText, itemsOf, apiUrl } from '../api.js';
import { h, clear, fmtNum, fmtInt, fmtTime, errorPanel, statusBox, hashWith } from '../util.js';
import { evalTabs, tierBadge, tierName } from '../evalkit.js';

const EDIT = ['admin', 'analyst'];

export async function render({ main, query, user, alive }) {
  main.appendChild(evalTabs('lists'));
  const canEdit = EDIT.includes(user.role);
  const [listsRes, models] = await Promise.all([api('/lists'), api('/models').catch(() => [])]);
  if (!alive()) return;
  const lists = itemsOf(listsRes);
  const modelById = new Map(models.map((m) => [m.id, m]));
  const modelName = (id) => { const m = modelById.get(id); return m ? pick(m.name_zh, m.name_en) : id; };

  const listsPanel = h('section', { class: 'panel', testid: 'lists-panel' },
    h('h2', null, t('lists.title')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data data-click', testid: 'lists-table' },
      h('thead', null, h('tr', null, h('th', null, t('lists.col.name')), h('th', null, t('lists.col.model')),
        h('th', { class: 'num' }, t('lists.col.version')), h('th', { class: 'num' }, t('lists.col.entries')), h('th', null, t('lists.col.created')))),
      h('tbody', null, lists.length ? lists.map((l) => h('tr', {
        tabindex: '0', testid: 'list-row', dataset: { list: l.name }, class: l.name === query.list ? 'selected' : null,
        onclick: () => { location.hash = hashWith('/lists', { list: l.name }); },
        onkeydown: (ev) => { if (ev.key === 'Enter') location.hash = hashWith('/lists', { list: l.name }); },
      }, h('td', null, h('strong', null, l.name)), h('td', null, modelName(l.model)), h('td', { class: 'num' }, 'v' + l.version),
      h('td', { class: 'num' }, fmtInt(l.entries)), h('td', { class: 'nowrap' }, fmtTime(l.created_at))))
        : h('tr', null, h('td', { class: 'empty', colspan: 5 }, t('lists.none')))))));
  main.appendChild(canEdit ? h('div', { class: 'grid-2' }, listsPanel, createForm(models)) : listsPanel);

  if (!query.list) return;
  const name = query.list;
  const base = '/lists/' + encodeURIComponent(name);
  let list, versions;
  try {
    [list, versions] = await Promise.all([api(base, { query: { version: query.version } }), api(base + '/versions')]);
  } catch (e) {
    if (!alive()) return;
    main.appendChild(errorPanel(errorText(e), e instanceof ApiError ? e.otherText() : ''));
    return;
  }
  if (!alive()) return;
  versions = itemsOf(versions);
  const latest = versions.reduce((a, v) => Math.max(a, v.version), 0);
  const model = modelById.get(list.model);
  const exportHref = apiUrl(base + '/export', { version: list.version });

  // Entries of the version shown.
  const entries = list.entries || [];
  main.appendChild(h('section', { class: 'panel', testid: 'list-detail', dataset: { list: name, version: String(list.version) }, style: { marginTop: '16px' } },
    h('div', { class: 'panel-head' },
      h('h2', { testid: 'list-title' }, t('lists.detail', { name, version: list.version })),
      h('div', { class: 'form-actions', style: { marginTop: 0 } },
        h('span', { class: 'muted small' }, modelName(list.model) + ' · ' + t('lists.year', { year: list.year ?? '—' }) + ' · ' + (list.actor || '') + ' · ' + fmtTime(list.created_at)),
        h('a', { class: 'btn btn-sm', href: exportHref, download: `${name}-v${list.version}.xlsx`, testid: 'list-export' }, t('lists.export')))),
    list.note ? h('p', { class: 'lead small' }, t('lists.note') + '：' + list.note) : null,
    h('div', { class: 'table-wrap table-scroll' }, h('table', { class: 'data', testid: 'entries-table' },
      h('thead', null, h('tr', null, h('th', { class: 'num' }, t('eval.col.rank')), h('th', null, t('ent.col.name')), h('th', null, t('eval.col.tier')),
        h('th', { class: 'num' }, t('eval.col.score')), h('th', null, t('lists.col.reason')), canEdit && list.version === latest ? h('th', null, t('common.actions')) : null)),
      h('tbody', null, entries.length ? entries.map((en) => h('tr', { testid: 'entry-row', dataset: { uscc: en.uscc } },
        h('td', { class: 'num' }, en.rank ?? ''),
        h('td', { class: 'col-name' }, h('a', { href: '#/enterprise/' + encodeURIComponent(en.uscc) }, en.name || en.uscc),
          en.manual ? h('span', { class: 'badge badge-manual' }, t('lists.manual')) : null),
        h('td', null, en.tier ? tierBadge(model, en.tier) : null),
        h('td', { class: 'num' }, fmtNum(en.score, 4)),
        h('td', { class: 'small' }, en.reason || ''),
        canEdit && list.version === latest ? h('td', { class: 'nowrap' },
          h('button', { type: 'button', class: 'btn btn-sm', testid: 'entry-tier', onclick: () => change.prefill('tier', en) }, t('lists.action.tier')), ' ',
          h('button', { type: 'button', class: 'btn btn-sm btn-danger', testid: 'entry-remove', onclick: () => change.prefill('remove', en) }, t('lists.action.remove'))) : null))
        : h('tr', null, h('td', { class: 'empty', colspan: 6 }, t('common.empty'))))))));

  const change = canEdit ? changeForm(name, model, latest) : null;

  // Versions and the diff.
  const vsel = (id, cur) => h('select', { id, testid: id }, versions.map((v) => h('option', { value: String(v.version), selected: v.version === cur }, 'v' + v.version)));
  const to = Number(query.to) || latest;
  const from = Number(query.from) || Math.max(1, to - 1);
  const fromSel = vsel('diff-from', from), toSel = vsel('diff-to', to);
  const diffBox = h('div', { testid: 'diff' });
  const versionsPanel = h('section', { class: 'panel', testid: 'versions-panel' },
    h('h2', null, t('lists.versions')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data', testid: 'versions-table' },
      h('thead', null, h('tr', null, h('th', null, t('lists.col.version')), h('th', null, t('lists.col.created')), h('th', null, t('lists.col.actor')),
        h('th', null, t('lists.note')), h('th', { class: 'num' }, t('lists.col.entries')))),
      h('tbody', null, versions.map((v) => h('tr', { dataset: { version: String(v.version) }, class: v.version === list.version ? 'selected' : null },
        h('td', null, h('a', { href: hashWith('/lists', { list: name, version: v.version }) }, 'v' + v.version),
          v.manual ? h('span', { class: 'badge badge-manual' }, t('lists.manual')) : null),
        h('td', { class: 'nowrap' }, fmtTime(v.created_at)), h('td', null, v.actor || ''), h('td', { class: 'small' }, v.note || ''),
        h('td', { class: 'num' }, fmtInt(v.entries))))))));
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
      rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
        h('thead', null, h('tr', null, h('th', null, t('ent.col.name')), cols.map(([k]) => h('th', null, t(k))), h('th', null, t('lists.col.reason')))),
        h('tbody', null, rows.map((r) => h('tr', { testid: 'diff-row', dataset: { uscc: r.uscc } },
          h('td', { class: 'col-name' }, h('a', { href: '#/enterprise/' + encodeURIComponent(r.uscc) }, r.name || r.uscc)),
          cols.map(([, f]) => h('td', null, f(r))), h('td', { class: 'small' }, r.reason || ''))))))
        : h('p', { class: 'muted small' }, t('common.none')));
    clear(diffBox).append(
      h('p', { class: 'muted small', testid: 'diff-range' }, t('lists.diff_range', { from, to })),
      h('div', { class: 'diff-grid' },
        section('entered', d.entered || [], [['eval.col.tier', (r) => tierName(model, r.tier)]]),
        section('exited', d.exited || [], [['eval.col.tier', (r) => tierName(model, r.tier)]]),
        section('changed', d.changed || [], [['lists.diff.from_to', (r) => tierName(model, r.from) + ' → ' + tierName(model, r.to)]])));
  } catch (e) {
    if (alive()) clear(diffBox).appendChild(errorPanel(errorText(e), e instanceof ApiError ? e.otherText() : ''));
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
      status.show('error', errorText(e), e instanceof ApiError ? e.otherText() : '');
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
  const usccIn = h('input', { type: 'text', id: 'change-uscc', testid: 'change-uscc', maxlength: 18, class: 'mono' });
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
      h('div', { class: 'field' }, h('label', { for: 'change-uscc' }, t('ent.col.uscc')), usccIn),
      tierField,
      h('div', { class: 'field field-wide' }, h('label', { for: 'change-reason' }, t('lists.col.reason') + ' *'), reasonIn)),
    h('div', { class: 'form-actions' }, submit), status);
  form.prefill = (act, entry) => {
    action.value = act;
    usccIn.value = entry.uscc;
    if (entry.tier) tierSel.value = entry.tier;
    sync();
    status.hide();
    form.scrollIntoView({ block: 'nearest' });
    reasonIn.focus();
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const uscc = usccIn.value.trim().toUpperCase();
    const reason = reasonIn.value.trim();
    if (!uscc) { status.show('error', t('lists.uscc_required')); usccIn.focus(); return; }
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
      status.show('error', errorText(e), e instanceof ApiError ? e.otherText() : '');
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
