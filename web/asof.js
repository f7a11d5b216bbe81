// 数据截至 (issue 15, item 4): the one line every aggregating page puts beside its figures,
// "数据截至 2024年（缺 123 家）" / "Data as of 2024 (123 firms missing)", from the "as_of"
// object each aggregating route returns ({period, firms, reported, missing, complete, share}).
// The rule (docs/ARCHITECTURE.md, "数据截至"; data/report_rules.json): a period is complete when
// at least `share` of the page's firms hold a value of its metrics; the line names the latest
// complete period and the firms without a value in it. The help text (title) says so.
import { t } from './i18n.js';
import { h, fmtInt } from './util.js';

// "2024" → 2024年 / 2024; "2024-05" → 2024年5月 / May 2024 (as the language writes it).
function periodText(p) {
  const [y, m] = String(p).split('-');
  return m ? t('asof.month', { y, m: String(Number(m)) }) : t('asof.year', { y });
}

// The line for AS_OF (a route's "as_of"; null or absent: an empty line that keeps the layout).
export function asOfLine(asOf, testid = 'as-of') {
  const el = h('p', { class: 'muted small asof', testid });
  if (!asOf) return el;
  const share = Math.round((asOf.share || 0) * 100);
  el.title = t('asof.help', { share });
  if (!asOf.period) {
    el.append(t('asof.none'));
    return el;
  }
  const text = asOf.missing > 0
    ? t('asof.missing', { period: periodText(asOf.period), missing: fmtInt(asOf.missing) })
    : t('asof.all', { period: periodText(asOf.period) });
  el.append(text);
  if (!asOf.complete) el.append(t('asof.incomplete', { reported: fmtInt(asOf.reported), firms: fmtInt(asOf.firms), share }));
  el.dataset.period = asOf.period;
  el.dataset.missing = String(asOf.missing);
  el.dataset.firms = String(asOf.firms);
  return el;
}
