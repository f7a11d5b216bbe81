// Import: upload a CSV/XLSX file → POST /api/v1/imports → summary, the reasons of the first
// rejected rows in a table (the rest in the reject report CSV); a template to download per kind.
import { t, pick } from '../i18n.js';
import { api, apiUrl, errorText } from '../api.js';
import { h, clear, fmtNum, statusBox, isNum } from '../util.js';
import { table } from '../table.js';

const KINDS = ['auto', 'enterprises', 'indicators', 'chain_members', 'supply', 'postings', 'energy', 'flags', 'recognitions', 'patents', 'platforms', 'consortia'];
const history = []; // summaries of this page session's imports, newest first

export async function render({ main }) {
  const kind = h('select', { id: 'import-kind', name: 'kind', testid: 'import-kind' },
    KINDS.map((k) => h('option', { value: k }, t('imp.kind.' + k))));
  const file = h('input', { type: 'file', id: 'import-file', name: 'file', testid: 'import-file', class: 'file-input',
    accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  // The browser's own file button speaks the browser's language; this one follows the UI.
  const fileName = h('span', { class: 'file-name muted', testid: 'import-file-name' }, t('imp.no_file_chosen'));
  file.addEventListener('change', () => {
    const f = file.files && file.files[0];
    fileName.textContent = f ? f.name + ' (' + fmtNum(f.size / 1024, 1) + ' KB)' : t('imp.no_file_chosen');
    fileName.classList.toggle('muted', !f);
  });
  const picker = h('label', { class: 'file-pick', for: 'import-file' }, file,
    h('span', { class: 'btn' }, t('imp.choose')), fileName);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'import-submit' }, t('imp.submit'));
  const status = statusBox('import-status');
  const summary = h('div', { testid: 'import-result' });
  const hist = h('div');

  // One template per kind: Chinese headers, an example row and the values each column takes.
  const templates = h('div', { class: 'form-actions', testid: 'import-templates' },
    h('span', { class: 'muted' }, t('imp.templates')),
    KINDS.filter((k) => k !== 'auto').map((k) => h('a', {
      class: 'btn btn-ghost', href: apiUrl('/imports/templates/' + k), download: 'template-' + k + '.xlsx', testid: 'template-' + k,
    }, '⬇ ' + t('imp.kind.' + k))));

  const form = h('form', { class: 'panel', testid: 'import-form' },
    h('p', { class: 'lead' }, t('imp.intro')),
    templates,
    h('div', { class: 'form-grid' },
      h('div', { class: 'field' }, h('label', { for: 'import-kind' }, t('imp.kind')), kind),
      h('div', { class: 'field field-wide' }, h('span', { class: 'field-label' }, t('imp.file')), picker)),
    h('div', { class: 'form-actions' }, submit),
    status);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.hide();
    const f = file.files && file.files[0];
    if (!f) { status.show('error', t('imp.no_file')); return; }
    submit.disabled = true;
    status.show('info', t('imp.busy'));
    try {
      const query = { filename: f.name };
      if (kind.value !== 'auto') query.kind = kind.value;
      const type = /\.xlsx$/i.test(f.name) ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
      const r = await api('/imports', { method: 'POST', query, body: f, headers: { 'Content-Type': type } });
      status.hide();
      history.unshift(r);
      clear(summary).appendChild(summaryPanel(r));
      drawHistory(hist);
      file.value = '';
      file.dispatchEvent(new Event('change'));
    } catch (err) {
      status.show('error', errorText(err));
    } finally {
      submit.disabled = false;
    }
  });

  main.append(form, summary, hist);
  if (history.length) summary.appendChild(summaryPanel(history[0]));
  drawHistory(hist);
}

function summaryPanel(r) {
  const row = (key, v, testid) => h('div', { class: 'card', testid },
    h('div', { class: 'card-label' }, t(key)), h('div', { class: 'card-value' }, v));
  const warnings = Array.isArray(r.warnings) ? r.warnings : [];
  return h('section', { class: 'panel', testid: 'import-summary' },
    h('div', { class: 'panel-head' },
      h('h2', null, t('imp.summary')),
      h('span', { class: 'muted' }, [r.file, r.kind ? t('imp.kind.' + r.kind) : null, r.format].filter(Boolean).join(' · '))),
    h('div', { class: 'cards' },
      row('imp.rows', fmtNum(r.rows, 0), 'import-rows'),
      row('imp.accepted', fmtNum(r.accepted, 0), 'import-accepted'),
      row('imp.rejected', h('span', { class: r.rejected > 0 ? 'neg' : '' }, fmtNum(r.rejected, 0)), 'import-rejected'),
      row('imp.format', h('span', { style: { fontSize: '16px' } }, r.format || t('common.unknown')), 'import-format'),
      isNum(r.seconds) ? row('imp.seconds', fmtNum(r.seconds, 3), 'import-seconds') : null),
    warnings.length ? h('div', { class: 'status status-info', testid: 'import-warnings' },
      h('strong', null, t('imp.warnings')), h('ul', { style: { margin: '4px 0 0', paddingLeft: '20px' } },
        warnings.map((w) => h('li', null, typeof w === 'string' ? w : (w.message_zh && w.message ? w.message_zh + ' / ' + w.message : JSON.stringify(w)))))) : null,
    r.rejected > 0 ? rejectsBlock(r) : h('div', { class: 'status status-ok' }, t('imp.all_ok')));
}

// The reasons of the first rejected rows (the server sends up to 100 rows), the rest in the CSV.
function rejectsBlock(r) {
  const list = Array.isArray(r.rejects) ? r.rejects : [];
  const shown = isNum(r.rejects_shown) ? r.rejects_shown : 0;
  return h('div', { testid: 'import-rejects' },
    h('h3', null, t('imp.reasons')),
    h('p', { class: 'muted small', testid: 'import-rejects-note' },
      shown < r.rejected ? t('imp.reasons_some', { shown: fmtNum(shown, 0), total: fmtNum(r.rejected, 0) }) : t('imp.reasons_all')),
    table(list, {
      testid: 'rejects-table',
      pageSize: 20,
      pagerTestid: 'rejects-pager',
      columns: [
        { key: 'line', label: t('imp.col.line'), align: 'num', sort: true },
        { key: 'column', label: t('imp.col.column'), sort: (x) => x.column_zh || x.column, render: (x) => (x.column ? pick(x.column_zh || x.column, x.column) : t('imp.whole_row')) },
        { key: 'value', label: t('imp.col.value'), render: (x) => x.value || '' },
        { key: 'reason', label: t('imp.col.reason'), render: (x) => pick(x.reason_zh, x.reason_en) },
      ],
    }),
    r.rejects_url ? h('div', { class: 'form-actions' },
      h('a', { class: 'btn', href: r.rejects_url, download: 'rejects-' + (r.id ?? '') + '.csv', testid: 'rejects-link' }, '⬇ ' + t('imp.rejects'))) : null);
}

function drawHistory(el) {
  clear(el);
  if (history.length < 2) return;
  el.appendChild(h('section', { class: 'panel' },
    h('h2', null, t('imp.history')),
    table(history, {
      testid: 'import-history', pageSize: 20, pagerTestid: 'import-history-pager', export: { name: t('imp.history') },
      columns: [
        { key: 'file', label: t('imp.file_name'), sort: (r) => r.file || '', render: (r) => r.file || '' },
        { key: 'kind', label: t('imp.kind'), sort: (r) => (r.kind ? t('imp.kind.' + r.kind) : ''), render: (r) => (r.kind ? t('imp.kind.' + r.kind) : '') },
        { key: 'format', label: t('imp.format'), render: (r) => r.format || '' },
        { key: 'rows', label: t('imp.rows'), align: 'num', sort: true, render: (r) => fmtNum(r.rows, 0) },
        { key: 'accepted', label: t('imp.accepted'), align: 'num', sort: true, render: (r) => fmtNum(r.accepted, 0) },
        { key: 'rejected', label: t('imp.rejected'), align: 'num', sort: true, render: (r) => fmtNum(r.rejected, 0) },
        { key: 'rejects', label: '', render: (r) => (r.rejected > 0 && r.rejects_url ? h('a', { href: r.rejects_url, download: '' }, t('imp.rejects')) : '') },
      ],
    })));
}
