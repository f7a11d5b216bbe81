// 数据截至 (issue 15, item 4): one line under a page's aggregate figures saying the latest year
// and month its firms have figures for and how many of them have none for that period, and
// when a report was last accepted (GET /api/v1/freshness, for the page's scope and chain).
import { t } from './i18n.js';
import { api } from './api.js';
import { h, fmtInt, fmtTime } from './util.js';

// The line for QUERY ({scope, chain}); filled when the answer arrives, removed if it fails.
export function freshnessLine(query = {}) {
  const el = h('p', { class: 'muted small freshness', testid: 'freshness' });
  api('/freshness', { query }).then((d) => {
    const parts = [];
    if (d.year) parts.push(t('fresh.year', { period: d.year.period, missing: fmtInt(d.year.missing) }));
    if (d.month) parts.push(t('fresh.month', { period: d.month.period, missing: fmtInt(d.month.missing) }));
    if (!parts.length) parts.push(t('fresh.none'));
    el.append(t('fresh.label'), parts.join(t('fresh.sep')), t('fresh.firms', { firms: fmtInt(d.firms) }),
      d.last_report_at ? t('fresh.report', { at: fmtTime(d.last_report_at) }) : '');
    if (d.year) el.dataset.year = d.year.period;
    if (d.month) el.dataset.month = d.month.period;
  }).catch(() => el.remove());
  return el;
}
