// Admin: users (list, create, disable) and the audit log (newest first, paged).
import { t, pick, isZh } from '../i18n.js';
import { api, errorText, itemsOf } from '../api.js';
import { h, clear, fmtTime, fmtNum, statusBox, errorPanel, isNum, actorName } from '../util.js';
import * as ref from '../ref.js';
import { table, pager, cursorTrail } from '../table.js';
import { allPages } from '../export.js';

function parseObj(s) {
  if (s && typeof s === 'object') return s;
  if (typeof s !== 'string' || !s.startsWith('{')) return null;
  try { const o = JSON.parse(s); return o && typeof o === 'object' && !Array.isArray(o) ? o : null; } catch (_) { return null; }
}

export async function render({ main, user, alive }) {
  const usersBox = h('section', { class: 'panel', testid: 'users-panel' });
  const formBox = h('div');
  const auditBox = h('section', { class: 'panel', testid: 'audit-panel' });
  main.append(h('div', { class: 'grid-2' }, usersBox, formBox), h('div', { style: { height: '16px' } }), auditBox);

  const chains = await ref.chains().catch(() => []);
  // Institutions an investor account is bound to (上市服务).
  const insts = await api('/listing/institutions').then((d) => d.items || []).catch(() => []);
  if (!alive()) return;
  const pageStatus = statusBox('users-status');

  async function loadUsers() {
    clear(usersBox).append(h('h2', null, t('adm.users')), h('div', { class: 'muted' }, t('common.loading')));
    let list;
    try {
      list = itemsOf(await api('/users'));
    } catch (e) {
      if (alive()) clear(usersBox).append(h('h2', null, t('adm.users')), errorPanel(errorText(e)));
      return;
    }
    if (!alive()) return;
    const chainName = new Map(chains.map((c) => [c.id, pick(c.name_zh, c.name_en)]));
    clear(usersBox).append(
      h('h2', null, t('adm.users')),
      table(list, {
        testid: 'users-table', export: { name: t('adm.users') },
        row: (u) => ({ dataset: { username: u.username } }),
        columns: [
          { key: 'username', label: t('adm.username'), sort: true,
            render: (u) => [h('strong', null, u.username),
              u.created_at ? h('div', { class: 'muted small' }, t('adm.created_at') + ' ' + fmtTime(u.created_at)) : null] },
          { key: 'role', label: t('adm.role'), sort: (u) => t('role.' + u.role), render: (u) => h('span', { class: 'badge badge-role' }, t('role.' + u.role)) },
          { key: 'bound', label: t('adm.bound'), render: (u) => {
            const chainsOf = Array.isArray(u.chains) ? u.chains : (u.chains ? String(u.chains).split(',') : []);
            return [u.uscc ? h('a', { class: 'mono', href: '#/enterprise/' + u.uscc }, u.uscc) : null,
              chainsOf.filter(Boolean).map((c) => h('span', { class: 'badge badge-chain' }, chainName.get(c) || c))];
          } },
          { key: 'status', label: t('adm.status'), sort: (u) => (u.disabled ? 1 : 0),
            render: (u) => h('span', { class: 'badge ' + (u.disabled ? 'badge-off' : 'badge-on') }, t(u.disabled ? 'adm.disabled' : 'adm.active')) },
          { key: 'actions', label: t('common.actions'),
            render: (u) => (!u.disabled && u.username !== user.username
              ? h('button', { type: 'button', class: 'btn btn-sm btn-danger', testid: 'disable-' + u.username, onclick: () => disableUser(u.username) }, t('adm.disable'))
              : null) },
        ],
      }),
      pageStatus);
  }

  async function disableUser(name) {
    if (!window.confirm(t('adm.confirm_disable', { name }))) return;
    try {
      await api('/users/' + encodeURIComponent(name), { method: 'PATCH', json: { disabled: true } });
      await loadUsers();
      pageStatus.show('ok', t('adm.disabled_ok', { name }));
      loadAudit('');
    } catch (e) {
      pageStatus.show('error', errorText(e));
    }
  }

  // The create-user form.
  const f = {
    username: h('input', { type: 'text', id: 'user-username', testid: 'user-username', autocomplete: 'off', required: true }),
    password: h('input', { type: 'password', id: 'user-password', testid: 'user-password', autocomplete: 'new-password', required: true }),
    role: h('select', { id: 'user-role', testid: 'user-role' }, ref.ROLES.map((r) => h('option', { value: r, selected: r === 'analyst' }, t('role.' + r)))),
    uscc: h('input', { type: 'text', id: 'user-uscc', testid: 'user-uscc', maxlength: 18, autocomplete: 'off' }),
    chains: h('select', { id: 'user-chains', testid: 'user-chains', multiple: true, size: 6 }, chains.map((c) => h('option', { value: c.id }, pick(c.name_zh, c.name_en)))),
    institution: h('select', { id: 'user-institution', testid: 'user-institution' }, insts.map((i) => h('option', { value: String(i.id) }, i.name))),
  };
  const ufield = (label, el) => h('div', { class: 'field' }, h('label', { for: el.id }, t(label)), el);
  const usccField = ufield('adm.uscc', f.uscc);
  const chainsField = ufield('adm.chains', f.chains);
  const institutionField = ufield('adm.institution', f.institution);
  const syncRole = () => {
    usccField.hidden = f.role.value !== 'enterprise';
    chainsField.hidden = f.role.value !== 'chief';
    institutionField.hidden = f.role.value !== 'investor';
  };
  f.role.addEventListener('change', syncRole);
  syncRole();
  const createStatus = statusBox('user-status');
  const createBtn = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'user-submit' }, t('adm.create'));
  const form = h('form', { class: 'panel', testid: 'user-form', novalidate: true },
    h('h2', null, t('adm.new_user')),
    h('div', { class: 'stack' }, ufield('adm.username', f.username), ufield('adm.password', f.password), ufield('adm.role', f.role), usccField, chainsField, institutionField),
    h('div', { class: 'form-actions' }, createBtn),
    createStatus);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    createStatus.hide();
    const body = { username: f.username.value.trim(), password: f.password.value, role: f.role.value };
    if (body.role === 'enterprise') body.uscc = f.uscc.value.trim().toUpperCase();
    // The server takes the chains as one comma-separated string (as `user add --chains a,b`).
    if (body.role === 'chief') body.chains = Array.from(f.chains.selectedOptions).map((o) => o.value).join(',');
    if (body.role === 'investor' && f.institution.value) body.institution = Number(f.institution.value);
    createBtn.disabled = true;
    try {
      await api('/users', { method: 'POST', json: body });
      createStatus.show('ok', t('adm.created', { name: body.username }));
      form.reset();
      syncRole();
      loadUsers();
      loadAudit('');
    } catch (e) {
      createStatus.show('error', errorText(e));
    } finally {
      createBtn.disabled = false;
    }
  });
  formBox.appendChild(form);

  // The audit log, paged with a cursor trail.
  async function loadAudit(cursor, page = 1) {
    clear(auditBox).append(h('h2', null, t('adm.audit')), h('div', { class: 'muted' }, t('common.loading')));
    let data;
    try {
      data = await api('/audit', { query: { limit: 25, cursor } });
    } catch (e) {
      if (alive()) clear(auditBox).append(h('h2', null, t('adm.audit')), errorPanel(errorText(e)));
      return;
    }
    if (!alive()) return;
    const prevCursor = cursorTrail('audit', page, cursor);
    const items = itemsOf(data);
    const cell = (v, full) => {
      if (v === null || v === undefined || v === '') return { title: null, text: '' };
      const s = typeof v === 'string' ? v : JSON.stringify(v);
      const title = full === undefined ? s : (typeof full === 'string' ? full : JSON.stringify(full));
      const text = recordText(s);
      return { title, text: text.length > 160 ? text.slice(0, 160) + '…' : text };
    };
    // For an update, only the fields that changed (the whole record is in the tooltip).
    const changed = (a) => {
      const before = parseObj(a.before), after = parseObj(a.after);
      if (!before || !after) return [a.before, a.after];
      const b = {}, n = {};
      for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) { b[k] = before[k]; n[k] = after[k]; }
      }
      return [JSON.stringify(b), JSON.stringify(n)];
    };
    const rows = items.map((a) => { const [b, n] = changed(a); return { ...a, b: cell(b, a.before), n: cell(n, a.after) }; });
    clear(auditBox).append(
      h('div', { class: 'panel-head' }, h('h2', null, t('adm.audit')),
        isNum(data.total) ? h('span', { class: 'muted' }, t('common.total', { n: fmtNum(data.total, 0) })) : null),
      table(rows, {
        testid: 'audit-table',
        // the whole log, every page, with whole values (the page cuts them at 160 characters)
        export: {
          name: t('adm.audit'),
          rows: async () => {
            const all = await allPages((c, limit) => api('/audit', { query: { limit, cursor: c } }));
            const whole = (v) => ({ title: null, text: v === null || v === undefined ? '' : (typeof v === 'string' ? v : JSON.stringify(v)) });
            const out = all.map((a) => { const [b, n] = changed(a); return { ...a, b: whole(b), n: whole(n) }; });
            out.cut = all.cut;
            return out;
          },
        },
        columns: [
          { key: 'at', label: t('adm.audit.at'), class: 'nowrap', render: (a) => fmtTime(a.at) },
          { key: 'actor', label: t('adm.audit.actor'), render: (a) => actorName(a.actor) },
          { key: 'action', label: t('adm.audit.action'), render: (a) => actionName(a.action) },
          { key: 'target', label: t('adm.audit.target'), render: (a) => targetText(a.target) },
          { key: 'before', label: t('adm.audit.before'), class: 'json', attrs: (a) => ({ title: a.b.title }), render: (a) => a.b.text },
          { key: 'after', label: t('adm.audit.after'), class: 'json', attrs: (a) => ({ title: a.n.title }), render: (a) => a.n.text },
        ],
      }),
      pager({
        page, testid: 'audit',
        prev: page > 1 ? () => loadAudit(prevCursor(page - 1), page - 1) : null,
        next: data.next_cursor ? () => loadAudit(data.next_cursor, page + 1) : null,
      }));
  }

  await Promise.all([loadUsers(), loadAudit('')]);
}

// An audit action id ('user.create') by its name in the current language; an action without a
// name (one added later) shows its id.
function actionName(id) {
  if (!id) return '';
  const k = 'adm.action.' + id;
  const s = t(k);
  return s === k ? id : s;
}

// An audit record (JSON text) in words: each field by its name and its value, coded values by
// their names ('model' → 模型计算), in the current language; the record as stored stays in the
// cell's tooltip. Text that is not a JSON object is shown as it is.
function recordText(s) {
  const o = parseObj(s);
  if (!o) return s;
  const word = (prefix, v) => { const k = prefix + v; const x = t(k); return x === k ? null : x; };
  const value = (v) => {
    if (v === null || v === undefined || v === '') return t('common.unknown');
    if (typeof v === 'boolean') return t(v ? 'common.yes' : 'common.no');
    if (typeof v === 'number') return fmtNum(v, 4);
    if (Array.isArray(v)) return v.map(value).join(isZh() ? '、' : ', ');
    if (typeof v === 'object') return JSON.stringify(v);
    return word('adm.value.', v) || word('role.', v) || String(v);
  };
  // A field with an English twin (node_name, node_name_en): one of the two, in the language on
  // screen, under the field's name.
  const pairs = Object.entries(o).filter(([k]) => !(isZh() ? /_en$/.test(k) : (k + '_en') in o));
  return pairs.map(([k, v]) => (word('adm.field.', k.replace(/_en$/, '')) || k) + (isZh() ? '：' : ': ') + value(v)).join(isZh() ? '；' : '; ');
}

// An audit target ('case 12', 'list lang_list') with its kind in words: 案例 12.
function targetText(s) {
  const m = /^([a-z_]+) (.+)$/.exec(s || '');
  if (!m) return s || '';
  const k = 'adm.field.' + m[1];
  const w = t(k);
  return (w === k ? m[1] : w) + ' ' + m[2];
}
