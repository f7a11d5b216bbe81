// Where each of an enterprise's stored values came from (issue 15, item 4): a panel for the
// profile listing, newest period first, each value with its source — an accepted report (its
// number and who accepted it), a manual edit (who) or an import (its file and line, and who
// imported it; a value imported before per-row records, the latest indicators file) —
// and when. GET /api/v1/enterprises/{uscc}/provenance.
import { t, pick } from './i18n.js';
import { api } from './api.js';
import { h, clear, fmtNum, fmtTime } from './util.js';
import { table } from './table.js';
import * as ref from './ref.js';

function sourceText(v) {
  if (v.source === 'report') return h('a', { href: '#/reports?id=' + v.ref }, t('rep.source.report', { ref: v.ref, actor: v.actor }));
  if (v.source === 'manual') return t('rep.source.manual', { actor: v.actor });
  if (v.source === 'import') return v.line ? t('rep.source.import_line', { file: String(v.file).split('/').pop(), line: v.line, actor: v.actor }) : (v.file ? t('rep.source.import_file', { file: String(v.file).split('/').pop() }) : t('rep.source.import'));
  return t('rep.source.unknown');
}

// The panel for enterprise USCC (filled once its data arrives; left out when there is none).
export function provenancePanel(uscc) {
  const body = h('div', { class: 'muted small' }, t('common.loading'));
  const panel = h('section', { class: 'panel', testid: 'provenance', style: { marginTop: '16px' } },
    h('h2', null, t('rep.source')), body);
  Promise.all([api('/enterprises/' + encodeURIComponent(uscc) + '/provenance'), ref.metrics().catch(() => [])]).then(([p, metrics]) => {
    const byId = new Map(metrics.map((m) => [m.id, m]));
    const rows = p.values || [];
    if (!rows.length) { panel.remove(); return; }
    clear(body).className = '';
    body.appendChild(table(rows, {
      testid: 'provenance-table', pageSize: 12,
      row: (v) => ({ dataset: { period: v.period, metric: v.metric, source: v.source } }),
      filter: { text: (v) => { const m = byId.get(v.metric); return [v.period, m ? pick(m.name_zh, m.name_en) : v.metric].join(' '); }, testid: 'provenance-filter' },
      columns: [
        { key: 'period', label: t('rep.col.period'), sort: true },
        { key: 'metric', label: t('rep.col.metric'), render: (v) => { const m = byId.get(v.metric); return m ? pick(m.name_zh, m.name_en) : v.metric; } },
        { key: 'value', label: t('rep.col.value'), align: 'num', render: (v) => fmtNum(v.value), exportType: 'number' },
        { key: 'source', label: t('rep.source'), sort: true, render: sourceText, exportValue: (v) => v.source },
        { key: 'at', label: t('rep.col.at'), sort: true, render: (v) => (v.at ? fmtTime(v.at) : '—') },
      ],
    }));
  }).catch(() => panel.remove());
  return panel;
}
