// Cases: a board with a column per status (filters: status, department, overdue), the form that
// opens a case, and one case's detail with its comments and the moves (each with a comment).
// Address: #/cases?status=&department=&overdue=1&id=N
import { t } from '../i18n.js';
import { api, ApiError, errorText, itemsOf } from '../api.js';
import { h, clear, fmtTime, errorPanel, statusBox, hashWith, actorName } from '../util.js';

export const STATUSES = ['open', 'in_progress', 'resolved', 'declined'];
export const KINDS = ['finance', 'land', 'talent', 'permits', 'technology', 'market'];

const statusBadge = (s) => h('span', { class: 'badge badge-case badge-case-' + s, dataset: { status: s } }, t('cases.status.' + s));
const overdueBadge = () => h('span', { class: 'badge badge-off', testid: 'overdue-badge' }, t('cases.overdue'));

export async function render({ main, query, alive }) {
  const filters = { status: query.status || '', department: query.department || '', overdue: query.overdue === '1' ? '1' : '' };
  const go = (q) => { location.hash = hashWith('/cases', q); };

  // Filters.
  const statusSel = h('select', { id: 'f-status', testid: 'filter-status' }, h('option', { value: '' }, t('common.all')),
    STATUSES.map((s) => h('option', { value: s, selected: s === filters.status }, t('cases.status.' + s))));
  const deptIn = h('input', { type: 'text', id: 'f-dept', testid: 'filter-department', value: filters.department });
  const overdueBox = h('input', { type: 'checkbox', id: 'f-overdue', testid: 'filter-overdue', checked: filters.overdue === '1' });
  const filterForm = h('form', { class: 'panel panel-tight', testid: 'case-filters' },
    h('div', { class: 'form-actions', style: { marginTop: 0 } },
      h('label', { for: 'f-status', class: 'muted' }, t('cases.col.status')), statusSel,
      h('label', { for: 'f-dept', class: 'muted' }, t('cases.col.department')), deptIn,
      h('label', { class: 'checks' }, overdueBox, t('cases.only_overdue')),
      h('button', { type: 'submit', class: 'btn btn-sm btn-primary', testid: 'filter-apply' }, t('common.search')),
      h('a', { class: 'btn btn-sm btn-ghost', href: '#/cases' }, t('common.reset')),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'btn btn-sm', testid: 'case-new', onclick: () => { newForm.hidden = !newForm.hidden; } }, '+ ' + t('cases.new'))));
  filterForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go({ status: statusSel.value, department: deptIn.value.trim(), overdue: overdueBox.checked ? '1' : '' });
  });
  const newForm = openForm(filters);
  newForm.hidden = true;
  main.append(filterForm, newForm);

  const detailBox = h('div', { class: 'detail-pane' + (query.id ? ' detail-open' : '') }); // a drawer on a narrow screen (app.js)
  main.appendChild(detailBox);
  const res = await api('/cases', { query: filters });
  if (!alive()) return;
  const items = itemsOf(res);

  // The board.
  const cols = filters.status ? [filters.status] : STATUSES;
  main.appendChild(h('div', { class: 'board', testid: 'case-board', style: { gridTemplateColumns: `repeat(${cols.length}, minmax(0, 1fr))` } },
    cols.map((s) => {
      const mine = items.filter((c) => c.status === s);
      return h('section', { class: 'board-col', testid: 'board-col', dataset: { status: s } },
        h('h2', { class: 'board-col-title' }, statusBadge(s), ' ', h('span', { class: 'muted small' }, String(mine.length))),
        mine.length ? mine.map((c) => h('a', {
          class: 'case-card' + (String(c.id) === query.id ? ' active' : '') + (c.overdue ? ' overdue' : ''),
          href: hashWith('/cases', { ...filters, id: c.id }), testid: 'case-card', dataset: { id: String(c.id), status: c.status },
        },
        h('div', { class: 'case-title' }, c.title),
        h('div', { class: 'small muted' }, c.name || c.uscc),
        h('div', { class: 'small' }, h('span', { class: 'badge' }, t('cases.kind.' + c.kind)), ' ', c.department || '', ' · ', c.owner || ''),
        h('div', { class: 'small muted' }, t('cases.col.deadline') + ' ' + (c.deadline || '—'), c.overdue ? [' ', overdueBadge()] : null)))
          : h('p', { class: 'muted small' }, t('cases.col_empty')));
    })));

  if (query.id) await detail(detailBox, query.id, filters, alive);
}

async function detail(box, id, filters, alive) {
  let d;
  try {
    d = await api('/cases/' + encodeURIComponent(id));
  } catch (e) {
    if (alive()) box.appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  const c = d.case || {};
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const status = statusBox('case-status');
  const kv = (k, v) => [h('dt', null, t(k)), h('dd', null, v === undefined || v === null || v === '' ? t('common.unknown') : v)];

  // A move: the button opens a comment field; the comment is required.
  const moveArea = h('div', { class: 'move-area', testid: 'move-area', hidden: true });
  const openMove = (to) => {
    const text = h('textarea', { rows: 2, testid: 'move-comment', id: 'move-comment', maxlength: 1000 });
    const ok = h('button', { type: 'submit', class: 'btn btn-sm btn-primary', testid: 'move-confirm' }, t('cases.move_confirm', { to: t('cases.status.' + to) }));
    const f = h('form', { novalidate: true },
      h('label', { for: 'move-comment', class: 'field-label' }, t('cases.move_comment', { to: t('cases.status.' + to) })), text,
      h('div', { class: 'form-actions' }, ok, h('button', { type: 'button', class: 'btn btn-sm btn-ghost', onclick: () => { moveArea.hidden = true; } }, t('common.cancel'))));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const comment = text.value.trim();
      if (!comment) { status.show('error', t('cases.comment_required')); text.focus(); return; }
      ok.disabled = true;
      try {
        await api('/cases/' + encodeURIComponent(c.id) + '/moves', { json: { to, comment } });
        reload();
      } catch (e) {
        status.show('error', errorText(e));
        ok.disabled = false;
      }
    });
    clear(moveArea).appendChild(f);
    moveArea.hidden = false;
    text.focus();
  };

  const commentIn = h('textarea', { rows: 2, id: 'comment-text', testid: 'comment-text', maxlength: 1000 });
  const commentForm = h('form', { novalidate: true, testid: 'comment-form' },
    h('label', { for: 'comment-text', class: 'field-label' }, t('cases.add_comment')), commentIn,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-sm', testid: 'comment-submit' }, t('cases.comment_submit'))));
  commentForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = commentIn.value.trim();
    if (!text) { status.show('error', t('cases.comment_required')); commentIn.focus(); return; }
    try {
      await api('/cases/' + encodeURIComponent(c.id) + '/comments', { json: { text } });
      reload();
    } catch (e) {
      status.show('error', errorText(e));
    }
  });

  const comments = d.comments || [];
  box.appendChild(h('section', { class: 'panel', testid: 'case-detail', dataset: { id: String(c.id), status: c.status } },
    h('div', { class: 'panel-head' },
      h('h2', { testid: 'case-title' }, '#' + c.id + ' ' + (c.title || '')),
      h('span', null, h('span', { testid: 'case-status-badge' }, statusBadge(c.status)), c.overdue ? [' ', overdueBadge()] : null, ' ',
        h('a', { class: 'btn btn-sm btn-ghost', href: hashWith('/cases', filters) }, '× ' + t('cases.close')))),
    h('div', { class: 'grid-2' },
      h('div', null,
        h('dl', { class: 'kv' },
          kv('cases.col.enterprise', h('a', { href: '#/enterprise/' + encodeURIComponent(c.uscc) }, c.name || c.uscc)),
          kv('cases.col.kind', t('cases.kind.' + c.kind)),
          kv('cases.col.department', c.department),
          kv('cases.col.owner', c.owner),
          kv('cases.col.deadline', c.deadline),
          kv('cases.col.created', fmtTime(c.created_at)),
          kv('cases.col.detail', c.detail)),
        h('div', { class: 'form-actions', testid: 'move-buttons' },
          h('span', { class: 'muted small' }, t('cases.move_to')),
          STATUSES.filter((s) => s !== c.status).map((s) => h('button', {
            type: 'button', class: 'btn btn-sm', testid: 'move-' + s, onclick: () => openMove(s),
          }, t('cases.status.' + s)))),
        moveArea, status),
      h('div', null,
        h('h3', { class: 'panel-title' }, t('cases.comments', { n: comments.length })),
        h('ol', { class: 'timeline', testid: 'case-comments' }, comments.length ? comments.map((m) => h('li', { testid: 'case-comment' },
          h('div', { class: 'small muted' }, fmtTime(m.at), ' · ', actorName(m.actor),
            m.from || m.to ? [' · ', t('cases.status.' + (m.from || 'open')), ' → ', h('strong', null, t('cases.status.' + m.to))] : null),
          h('div', null, m.text))) : h('li', { class: 'muted' }, t('cases.no_comments'))),
        commentForm))));
}

function openForm(filters) {
  const status = statusBox('open-status');
  const els = {
    uscc: h('input', { type: 'text', id: 'case-uscc', testid: 'case-uscc', maxlength: 18, class: 'mono' }),
    kind: h('select', { id: 'case-kind', testid: 'case-kind' }, KINDS.map((k) => h('option', { value: k }, t('cases.kind.' + k)))),
    title: h('input', { type: 'text', id: 'case-title-in', testid: 'case-title-in', maxlength: 200 }),
    department: h('input', { type: 'text', id: 'case-department', testid: 'case-department', maxlength: 100 }),
    owner: h('input', { type: 'text', id: 'case-owner', testid: 'case-owner', maxlength: 100 }),
    deadline: h('input', { type: 'date', id: 'case-deadline', testid: 'case-deadline' }),
    detail: h('textarea', { id: 'case-detail-in', testid: 'case-detail-in', rows: 3, maxlength: 4000 }),
  };
  const field = (k, label, wide) => h('div', { class: 'field' + (wide ? ' field-wide' : '') }, h('label', { for: els[k].id }, t(label)), els[k]);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'case-submit' }, t('cases.open_submit'));
  const form = h('form', { class: 'panel', testid: 'case-form', novalidate: true },
    h('h2', null, t('cases.new')),
    h('div', { class: 'form-grid' },
      field('uscc', 'cases.col.uscc'), field('kind', 'cases.col.kind'), field('title', 'cases.col.title', true),
      field('department', 'cases.col.department'), field('owner', 'cases.col.owner'), field('deadline', 'cases.col.deadline'),
      field('detail', 'cases.col.detail', true)),
    h('div', { class: 'form-actions' }, submit), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    for (const [k, el] of Object.entries(els)) body[k] = el.value.trim();
    body.uscc = body.uscc.toUpperCase();
    for (const k of ['uscc', 'title', 'department']) {
      if (!body[k]) { status.show('error', t('cases.required', { field: t('cases.col.' + k) })); els[k].focus(); return; }
    }
    submit.disabled = true;
    status.show('info', t('common.saving'));
    try {
      const r = await api('/cases', { json: body });
      location.hash = hashWith('/cases', { ...filters, id: r && r.id });
    } catch (e) {
      status.show('error', errorText(e));
      if (e instanceof ApiError && e.field && els[e.field]) els[e.field].focus();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
