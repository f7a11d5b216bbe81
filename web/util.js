// Small helpers shared by the pages: building DOM, number formatting, ECharts with resizing.
import { t, lang, toggleLang } from './i18n.js';

// h('div', {class:'x', dataset:{testid:'y'}, onclick: fn}, child, 'text', [more]) → element.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'testid') el.setAttribute('data-testid', v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'value' && (tag === 'input' || tag === 'select' || tag === 'textarea')) el.value = v;
      else if (k === 'checked') { el.checked = true; el.defaultChecked = true; }
      else if (k === 'selected') { el.selected = true; el.defaultSelected = true; }
      else if (k === 'disabled') el.disabled = true;
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

function locale() { return lang() === 'en' ? 'en-US' : 'zh-CN'; }

// Numbers for people: web/format.js, under the names the pages have long used.
import { isNum, num, count, fixed2, money, moneyAxis, pct, signedPct, score, years, isRatio, metric } from './format.js';
export { isNum, isRatio, money, moneyAxis, pct, signedPct, score, years, count };
export const fmtNum = num;
export const fmtInt = (v) => count(v);
// Money in 万元 with its unit by magnitude: "1,096.58亿元" / "3,456.70万元".
export const fmtMoney = money;
export const fmtWan = money;
export const fmtPct = pct;
export const fmtMetric = metric;
export { fixed2 };

// Who did something (an audit row, a list version, a case note): a user name as it is; 'cli',
// the command line's actor when no user is given, and 'demo', the demo data's, in words.
export function actorName(a) { return a === 'cli' || a === 'demo' ? t('actor.' + a) : (a || ''); }

export function fmtTime(s) {
  if (!s) return t('common.unknown');
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return d.toLocaleString(locale(), { hour12: false });
}

// Compact axis labels: thousands separators, no decimals.
export function axisNum(v) { return num(v, 0); }

/* ---------- charts ---------- */

const charts = new Set();
let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { for (const c of charts) fit(c); }, 60);
});
// Printing (style.css @media print): charts are drawn again at the paper's width (A4 less its
// margins is about 700 CSS px, less a panel's padding; panels side by side print one under the
// other), then back.
const PAPER_PX = 640;
window.addEventListener('beforeprint', () => {
  for (const c of charts) {
    if (c.isDisposed()) continue;
    const el = c.getDom();
    if (el.clientWidth <= PAPER_PX && !el.closest('.grid-2, .split, .grid-gaps')) continue;
    c.resize({ width: PAPER_PX, height: el.clientHeight || undefined, animation: { duration: 0 } });
    c.getZr().refreshImmediately(); // painted now: printing does not wait for the next frame
  }
});
window.addEventListener('afterprint', () => { for (const c of charts) fit(c); });

/*
 * A chart narrower than NARROW px (a phone) gets axes it can read: category labels smaller,
 * cut short with an ellipsis, thinned out (hideOverlap, interval auto) and slanted when there
 * are many; value axes with three ticks in compact numbers (1.2万, 3.4亿); a scrolling legend.
 * fit() re-applies this, or the page's own settings, when the width crosses the line (a turn of
 * the phone, a resized window).
 */
const NARROW = 560;
const axesOf = (a) => (a == null ? [] : Array.isArray(a) ? a : [a]);
const compactCache = new Map();
function compactNum(v) {
  const key = locale();
  if (!compactCache.has(key)) compactCache.set(key, new Intl.NumberFormat(key, { notation: 'compact', maximumFractionDigits: 1 }));
  return compactCache.get(key).format(v);
}
function axisFit(a, dim, narrow) {
  const lab = a.axisLabel || {};
  const type = a.type || (dim === 'xAxis' ? 'category' : 'value');
  if (type === 'category') {
    const many = (a.data || []).length > 5;
    if (dim === 'xAxis') {
      return narrow
        ? { axisLabel: { hideOverlap: true, fontSize: 10, interval: 'auto', width: 64, overflow: 'truncate', rotate: many ? (lab.rotate || 40) : (lab.rotate || 0) } }
        : { axisLabel: { hideOverlap: lab.hideOverlap ?? false, fontSize: lab.fontSize ?? 12, interval: lab.interval ?? 'auto', width: lab.width ?? null, overflow: lab.overflow ?? 'none', rotate: lab.rotate ?? 0 } };
    }
    return narrow
      ? { axisLabel: { hideOverlap: true, fontSize: 11, width: 84, overflow: 'truncate' } }
      : { axisLabel: { hideOverlap: lab.hideOverlap ?? false, fontSize: lab.fontSize ?? 12, width: lab.width ?? null, overflow: lab.overflow ?? 'none' } };
  }
  if (type !== 'value') return {};
  const plain = !lab.formatter || lab.formatter === axisNum;
  return narrow
    ? { splitNumber: 3, nameTextStyle: { fontSize: 10 }, axisLabel: { hideOverlap: true, fontSize: 10, formatter: plain ? compactNum : lab.formatter } }
    : { splitNumber: a.splitNumber ?? 5, nameTextStyle: { fontSize: (a.nameTextStyle || {}).fontSize ?? 12 }, axisLabel: { hideOverlap: lab.hideOverlap ?? false, fontSize: lab.fontSize ?? 12, formatter: lab.formatter ?? null } };
}
function fitPatch(option, narrow) {
  const patch = {};
  for (const dim of ['xAxis', 'yAxis']) {
    const axes = axesOf(option[dim]);
    if (axes.length) patch[dim] = axes.map((a) => axisFit(a, dim, narrow));
  }
  if (option.legend && !Array.isArray(option.legend)) patch.legend = { type: narrow ? 'scroll' : (option.legend.type || 'plain') };
  return patch;
}
const isNarrow = (el) => el.clientWidth > 0 && el.clientWidth < NARROW;

// Resizes chart C to its element, first changing its axes when the width crossed NARROW.
function fit(c) {
  if (c.isDisposed()) return;
  const narrow = isNarrow(c.getDom());
  if (narrow !== c.__narrow) {
    c.__narrow = narrow;
    c.setOption(fitPatch(c.__option, narrow));
  }
  c.resize();
}

export function hasECharts() { return typeof window.echarts !== 'undefined'; }

// Whether a value of a series' data is something to draw: a finite number, an array holding
// one ([x, y] pairs), an object with such a value, or an object without a value at all (the
// nodes of a tree or graph).
function drawable(d) {
  if (d == null) return false;
  if (typeof d === 'number') return Number.isFinite(d);
  if (typeof d === 'string') return d !== '' && d !== '-';
  if (Array.isArray(d)) return d.some((x) => typeof x === 'number' && Number.isFinite(x));
  if (typeof d === 'object') return 'value' in d ? drawable(d.value) : true;
  return false;
}

// Whether OPTION has anything to draw: a dataset, or a series with a drawable value or node.
export function hasChartData(option) {
  if (!option) return false;
  if (option.dataset) return true;
  return axesOf(option.series).some((s) => {
    const d = s.data ?? s.nodes;
    return Array.isArray(d) ? d.some(drawable) : !!d;
  });
}

/*
 * The empty state of every chart: EL says 暂无数据 (No data) and WHY (the page's reason: what
 * is missing and where it comes from), instead of an empty frame of axes. chart() calls it when
 * its option has nothing to draw; a page may call it directly.
 */
export function noData(el, why) {
  const old = hasECharts() && window.echarts.getInstanceByDom(el);
  if (old) { charts.delete(old); if (old.__ro) old.__ro.disconnect(); old.dispose(); }
  clear(el).appendChild(h('div', { class: 'chart-empty', testid: 'chart-empty' },
    h('strong', null, t('common.no_data')), why ? h('span', { testid: 'chart-empty-why' }, why) : null));
  return null;
}

// Draws OPTION into EL (a sized div), keeps it sized with the window and the element, its axes
// fitted to a narrow screen (fit()). With nothing to draw (hasChartData) EL shows the empty
// state instead, with the reason OPTS.empty (noData).
// Returns the ECharts instance, or null when the library is missing (EL then says so) or the
// chart is empty.
export function chart(el, option, opts = {}) {
  if (!hasChartData(option)) return noData(el, opts.empty || t('common.no_data_why'));
  if (!hasECharts()) {
    clear(el).appendChild(h('div', { class: 'chart-missing' }, t('err.no_echarts')));
    return null;
  }
  const existing = window.echarts.getInstanceByDom(el);
  if (existing) existing.dispose();
  const stale = el.querySelector(':scope > .chart-empty');
  if (stale) stale.remove();
  const c = window.echarts.init(el, null, { renderer: 'canvas', locale: lang() === 'en' ? 'EN' : 'ZH' });
  c.setOption({
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    color: ['#1f5fbf', '#e07b39', '#2e9e6a', '#8d5bd1', '#c94a4a', '#3fa7c4'],
    animationDuration: 400,
    ...option,
  });
  c.__option = option;
  c.__narrow = false;
  if (isNarrow(el)) fit(c);
  charts.add(c);
  if (typeof ResizeObserver !== 'undefined') {
    const ro = new ResizeObserver(() => fit(c));
    ro.observe(el);
    c.__ro = ro;
  }
  return c;
}

// Disposes every chart (called when the page changes).
export function disposeCharts() {
  for (const c of charts) {
    if (c.__ro) c.__ro.disconnect();
    if (!c.isDisposed()) c.dispose();
  }
  charts.clear();
}

// Tooltip formatter for axis tooltips: "name<br>● series: 12,345.6".
export function axisTooltip(unitFor) {
  return (params) => {
    const list = Array.isArray(params) ? params : [params];
    if (!list.length) return '';
    const lines = [escapeHtml(list[0].axisValueLabel ?? list[0].name)];
    for (const p of list) {
      const v = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
      // unitFor(i) gives a unit to write after the number, or a formatter (money) that writes both.
      const unit = unitFor ? unitFor(p.seriesIndex) : '';
      if (typeof unit === 'function') { lines.push(`${p.marker}${escapeHtml(p.seriesName)}: <b>${escapeHtml(unit(v))}</b>`); continue; }
      lines.push(`${p.marker}${escapeHtml(p.seriesName)}: <b>${fmtNum(v)}</b>${unit ? ' ' + escapeHtml(unit) : ''}`);
    }
    return lines.join('<br>');
  };
}

export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// Parses "#/path?a=1&b=2" → {path:'/path', query:{a:'1', b:'2'}}.
export function parseHash(hash) {
  const s = (hash || '').replace(/^#/, '') || '/';
  const i = s.indexOf('?');
  const path = i < 0 ? s : s.slice(0, i);
  const query = {};
  if (i >= 0) for (const [k, v] of new URLSearchParams(s.slice(i + 1))) query[k] = v;
  return { path: path || '/', query };
}

export function hashWith(path, query) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== '') qs.set(k, v);
  const s = qs.toString();
  return '#' + path + (s ? '?' + s : '');
}

// A status line (success / error / info) with a stable test id.
export function statusBox(testid) {
  const el = h('div', { class: 'status', testid, role: 'status', 'aria-live': 'polite', hidden: true });
  el.show = (kind, text, extra) => {
    el.hidden = false;
    el.className = 'status status-' + kind;
    clear(el).appendChild(h('span', null, text));
    if (extra) el.appendChild(h('span', { class: 'status-extra' }, extra));
  };
  el.hide = () => { el.hidden = true; clear(el); };
  return el;
}

// An error panel for a page that could not load.
export function errorPanel(text, other) {
  return h('div', { class: 'panel panel-error', testid: 'page-error', role: 'alert' },
    h('strong', null, text), other ? h('div', { class: 'muted' }, other) : null);
}

// The language switch button (top bar and login page).
export function langButton() {
  return h('button', {
    type: 'button', class: 'btn btn-ghost lang-switch', testid: 'lang-switch',
    title: t('top.lang_title'), onclick: () => toggleLang(),
  }, t('top.lang'));
}
