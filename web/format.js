// The one place numbers are written for people (issue 14, item 3): money in 亿元 / 万元 by
// magnitude with two decimals, ratios as percentages, scores on a 0–100 scale, ages in years,
// counts with grouping separators, every number with its unit; an unknown value is "—".
import { t, lang } from './i18n.js';

const locale = () => (lang() === 'en' ? 'en-US' : 'zh-CN');
const cache = new Map();
function nf(digits, fixed) {
  const key = locale() + digits + (fixed ? 'f' : '');
  if (!cache.has(key)) cache.set(key, new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: fixed ? digits : 0 }));
  return cache.get(key);
}

export function isNum(v) { return typeof v === 'number' && Number.isFinite(v); }
const unknown = () => t('common.unknown');

// 12345.678 → "12,345.68" (grouping separators, up to DIGITS decimals).
export function num(v, digits = 2) { return isNum(v) ? nf(digits).format(v) : unknown(); }

// A count: grouping separators, no decimals; UNIT (already translated) after it when given.
export function count(v, unit = '') { return isNum(v) ? nf(0).format(v) + (unit ? (lang() === 'en' ? ' ' : '') + unit : '') : unknown(); }

// A plain amount with exactly two decimals, no unit: 1400.4 → "1,400.40".
export function fixed2(v) { return isNum(v) ? nf(2, true).format(v) : unknown(); }

// Money given in 万元, with its unit by magnitude. Chinese: at least 1亿 (10,000 万元) in 亿元,
// else in 万元, two decimals: 109658479.8 → "1,096.58亿元", 3456.7 → "3,456.70万元".
// English: yuan in bn / m / k: "10.97 bn yuan", "34.57 m yuan", "5.00 k yuan".
export function money(wan) {
  if (!isNum(wan)) return unknown();
  const a = Math.abs(wan);
  if (lang() === 'en') {
    const yuan = wan * 1e4;
    if (a >= 1e5) return nf(2, true).format(yuan / 1e9) + ' ' + t('fmt.bn_yuan');
    if (a >= 100) return nf(2, true).format(yuan / 1e6) + ' ' + t('fmt.m_yuan');
    return nf(2, true).format(yuan / 1e3) + ' ' + t('fmt.k_yuan');
  }
  if (a >= 1e4) return nf(2, true).format(wan / 1e4) + t('fmt.yi_yuan');
  return nf(2, true).format(wan) + t('common.unit_wan');
}

// A short money label for a chart axis (values in 万元): "1,097亿", "3,457万"; "10.97 bn", "34.6 m".
export function moneyAxis(wan) {
  if (!isNum(wan)) return '';
  const a = Math.abs(wan);
  if (lang() === 'en') {
    if (a >= 1e5) return nf(1).format(wan / 1e5) + ' bn';
    if (a >= 100) return nf(1).format(wan / 100) + ' m';
    return nf(0).format(wan * 10) + ' k';
  }
  if (a >= 1e4) return nf(1).format(wan / 1e4) + '亿';
  return nf(0).format(wan) + '万';
}

// A ratio as a percentage: 0.1234 → "12.3%".
export function pct(ratio, digits = 1) { return isNum(ratio) ? nf(digits, true).format(ratio * 100) + '%' : unknown(); }

// A signed change as a percentage: 0.05 → "+5.0%".
export function signedPct(ratio, digits = 1) { return isNum(ratio) ? (ratio > 0 ? '+' : '') + pct(ratio, digits) : unknown(); }

// A score given on 0–1, shown on 0–100 with one decimal: 0.5706 → "57.1".
export function score(v01, digits = 1) { return isNum(v01) ? nf(digits, true).format(v01 * 100) : unknown(); }

// An age or a span in years: "12年" / "12 yr".
export function years(n, digits = 0) { return isNum(n) ? nf(digits).format(n) + t('fmt.years') : unknown(); }

// A metric of the catalogue (unit / unit_zh), written with its unit.
export function isRatio(metric) { return !!metric && (metric.unit === 'ratio' || metric.unit_zh === '比率'); }
export function metric(m, v) {
  if (!isNum(v)) return unknown();
  if (isRatio(m)) return pct(v);
  if (m && (m.unit === '10k CNY' || m.unit_zh === '万元')) return money(v);
  if (m && (m.unit === 'persons' || m.unit === 'count')) return count(v, lang() === 'en' ? t('fmt.unit.' + m.unit) : m.unit_zh);
  if (m && m.unit === 'years') return years(v, 1);
  const u = m ? (lang() === 'en' ? m.unit : m.unit_zh) : '';
  return num(v, 2) + (u ? (lang() === 'en' ? ' ' : '') + u : '');
}

// A unit as a poster typed it (件, 吨, m…), in the current language when it is one of the common
// units (the typed text is kept when it is not): 600 吨 reads "600 t" in English.
const UNITS = { 件: 'piece', 个: 'piece', 片: 'sheet', 米: 'metre', 吨: 'tonne', 台: 'set', 套: 'kit',
  千克: 'kg', 公斤: 'kg', 箱: 'box', 批: 'batch', 辆: 'vehicle', 平方米: 'sqm', 立方米: 'cbm' };
export function unitName(u) {
  if (!u) return '';
  const id = UNITS[u.trim()];
  return id ? t('unit.' + id) : u;
}
