// The one export of the web pages (issue 14, item 7): a table as the page shows it — its filters,
// its sort, its language — written to XLSX by the server's one writer (POST /api/v1/exports/table,
// io/grid.c). web/table.js puts the button above every table that asks for it (option `export`);
// a page with rows of its own (a chart's data) calls exportTable() itself.
//
// What goes into a cell:
//   a column's exportValue(row) when it has one (a number or text), typed by exportType
//   ('number', 'percent' or 'text');
//   else, for a number column (align 'num'), the number behind what the cell shows: money in 万元
//   (the header gains the unit), a percentage as a ratio shown 0.0%, a plain figure as the row's
//   own value when the cell shows it rounded, else the figure shown; "—" (unknown) stays empty;
//   else the cell's text as shown (Chinese labels for coded values in Chinese mode).
import { t, lang } from './i18n.js';
import { getSession, ApiError, apiUrl } from './api.js';
import { h } from './util.js';

// Units a cell may show after a number: → multiplier to 万元 (money) or null (a plain unit).
const MONEY = [
  ['亿元', 1e4], ['万元', 1], ['bn yuan', 1e5], ['m yuan', 100], ['k yuan', 0.1], ['10k CNY', 1],
];

// The text a cell shows: lines (div, p, br) and badges apart by a space.
const SEPARATE = /^(DIV|P|BR|LI|TR)$/;
function walk(node, out) {
  if (node.nodeType === 3) { out.push(node.data); return; }
  if (node.nodeType !== 1 && node.nodeType !== 11) return;
  const sep = node.nodeType === 1 && (SEPARATE.test(node.tagName) || node.classList.contains('badge'));
  if (sep) out.push(' ');
  for (const c of node.childNodes) walk(c, out);
  if (sep) out.push(' ');
}
const textOf = (content) => {
  if (content === null || content === undefined || content === false) return '';
  if (typeof content === 'string' || typeof content === 'number') return String(content);
  const out = [];
  walk(h('span', null, content), out);
  return out.join('').replace(/\s+/g, ' ').trim();
};

const labelOf = (c) => (typeof c.label === 'string' ? c.label : textOf(c.label)).trim();

// "1,234.5" / "+5.0" → 1234.5; not a plain figure → null.
function figure(s) {
  const m = /^([+\-−]?)([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)$/.exec(s);
  if (!m) return null;
  const v = Number(m[2].replace(/,/g, ''));
  return Number.isFinite(v) ? (m[1] && m[1] !== '+' ? -v : v) : null;
}

const decimals = (s) => { const i = s.indexOf('.'); return i < 0 ? 0 : s.length - i - 1; };

/*
 * One cell of a number column: TEXT as shown, RAW the row's own value (or undefined).
 * → {value, kind: 'money'|'percent'|'number'|'text', unit}
 */
export function numberCell(text, raw) {
  const s = text.replace(/\s+/g, ' ').trim();
  if (!s || s === t('common.unknown') || s === '—') return { value: null, kind: 'empty' };
  const rawNum = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
  for (const [u, mult] of MONEY) {
    if (s.endsWith(u)) {
      const v = figure(s.slice(0, -u.length).trim());
      if (v === null) break;
      const wan = v * mult;
      // the row's value when it is what the cell shows (the cell rounds it)
      const close = rawNum !== null && Math.abs(rawNum - wan) <= Math.abs(mult) * 0.01 + 1e-9;
      return { value: close ? rawNum : wan, kind: 'money' };
    }
  }
  if (s.endsWith('%')) {
    const p = figure(s.slice(0, -1).trim());
    if (p !== null) {
      const close = rawNum !== null && Math.abs(rawNum * 100 - p) <= 0.5 * 10 ** -decimals(s.slice(0, -1)) + 1e-9;
      return { value: close ? rawNum : p / 100, kind: 'percent' };
    }
  }
  const m = /^([+\-−]?[0-9][0-9,]*(?:\.[0-9]+)?)\s*(.*)$/.exec(s);
  if (m) {
    const v = figure(m[1]);
    if (v !== null && !/[0-9]/.test(m[2])) {
      const close = rawNum !== null && Math.abs(rawNum - v) <= 0.5 * 10 ** -decimals(m[1]) + 1e-9;
      return { value: close ? rawNum : v, kind: 'number', unit: m[2] || '' };
    }
  }
  return { value: s, kind: 'text' };
}

const unitSuffix = (label, unit) => {
  if (!unit || label.includes(unit)) return label;
  return lang() === 'en' ? `${label} (${unit})` : `${label}（${unit}）`;
};

/*
 * The spec of a table for the server: COLUMNS as web/table.js takes them, ROWS the rows in the
 * order shown (all pages). → {columns:[{label,type}], rows:[[…]]}
 */
export function tableSpec(columns, rows) {
  const cols = columns.filter((c) => c && c.export !== false);
  const out = cols.map(() => []);
  const kinds = cols.map(() => new Set());
  const units = cols.map(() => new Set());
  rows.forEach((r, i) => {
    cols.forEach((c, k) => {
      if (c.exportValue) { out[k].push(c.exportValue(r, i) ?? null); return; }
      const shown = textOf(c.render ? c.render(r, i) : r[c.key]);
      if (c.align !== 'num') { out[k].push(shown.trim() === '' ? null : shown.trim()); return; }
      const raw = typeof c.sort === 'function' ? c.sort(r) : r[c.key];
      const cell = numberCell(shown, raw);
      kinds[k].add(cell.kind);
      if (cell.unit) units[k].add(cell.unit);
      out[k].push(cell.value);
    });
  });
  const spec = { columns: [], rows: rows.map(() => []) };
  cols.forEach((c, k) => {
    let label = c.exportLabel || labelOf(c);
    let type = c.exportType || (c.exportValue && out[k].some((v) => typeof v === 'number') && out[k].every((v) => v === null || typeof v === 'number') ? 'number' : 'text');
    if (!c.exportValue && c.align === 'num') {
      const ks = [...kinds[k]].filter((x) => x !== 'empty');
      if (ks.length === 1 && ks[0] === 'money') { type = 'number'; label = unitSuffix(label, t('common.unit_wan')); }
      else if (ks.length === 1 && ks[0] === 'percent') type = 'percent';
      else if (ks.length === 1 && ks[0] === 'number') { type = 'number'; if (units[k].size === 1) label = unitSuffix(label, [...units[k]][0]); }
      else if (ks.every((x) => x === 'number' || x === 'money' || x === 'percent') && ks.length) type = 'number';
      // a column with text among its figures keeps each cell as the page showed it
      if (ks.includes('text')) out[k] = out[k].map((v, i) => (v === null ? null : textOf(c.render ? c.render(rows[i], i) : rows[i][c.key]).trim()));
    }
    // a column without a header and without a value in any row (buttons) is left out
    if (!label && out[k].every((v) => v === null || v === '')) return;
    spec.columns.push({ label: label || ' ', type });
    rows.forEach((_, i) => spec.rows[i].push(out[k][i]));
  });
  return spec;
}

function stamp() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

// The sheet "about" of every export: title, the page's filters, the page, when, how many rows.
function aboutRows(title, filters, n) {
  const rows = [[t('export.about.title'), title]];
  for (const [k, v] of filters || []) rows.push([k, v === undefined || v === null || v === '' ? t('export.about.any') : String(v)]);
  rows.push([t('export.about.page'), location.hash || '#/']);
  rows.push([t('export.about.time'), stamp()]);
  rows.push([t('export.about.rows'), String(n)]);
  rows.push([t('export.about.lang'), t('export.about.lang_value')]);
  return rows;
}

/*
 * Sends SPEC (tableSpec) with NAME (the file's name without .xlsx, in the page's language),
 * TITLE and FILTERS ([[label, value]]: what the page was filtered by) to the server and saves
 * the workbook. Throws ApiError.
 */
export async function exportTable({ name, title, filters, columns, rows }) {
  const spec = tableSpec(columns, rows);
  const sheetName = (title || name || 'Sheet1').slice(0, 31);
  const body = {
    filename: asciiName(name), sheet: sheetName,
    about_sheet: t('export.about.sheet'),
    about: aboutRows(title || name, filters, rows.length),
    ...spec,
  };
  const headers = { 'Content-Type': 'application/json', Accept: HTTP_XLSX + ', application/json' };
  const s = getSession();
  if (s && s.csrf) headers['X-CSRF-Token'] = s.csrf;
  let res;
  try {
    res = await fetch(apiUrl('/exports/table'), { method: 'POST', headers, body: JSON.stringify(body), credentials: 'include', cache: 'no-store' });
  } catch (_) {
    throw new ApiError(0, null);
  }
  if (!res.ok) {
    let data = null;
    try { data = await res.json(); } catch (_) { data = null; }
    throw new ApiError(res.status, data);
  }
  const blob = await res.blob();
  saveBlob(blob, (name || 'table').replace(/[\\/:*?"<>|]+/g, '_') + '.xlsx');
  return spec;
}

const HTTP_XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const asciiName = (s) => (s || 'table').normalize('NFKD').replace(/[^0-9A-Za-z.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'table';

export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, style: { display: 'none' } });
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(url); a.remove(); }, 1000);
}

// The most rows an export of a list paged on the server fetches (a body of about 9 MB of the
// server's 16 MB at the enterprise list's width).
export const EXPORT_MAX_ROWS = 50000;

/*
 * Every row of a list paged on the server: PAGE(cursor, limit) → one page ({items, total,
 * next_cursor}) with the page's filters. Stops at EXPORT_MAX_ROWS; the array then carries
 * cut = {shown, total}, which the export writes on its about sheet.
 */
export async function allPages(page) {
  const all = [];
  let cur = '', total = null;
  do {
    const p = await page(cur, 500);
    all.push(...((p && p.items) || []));
    if (p && typeof p.total === 'number') total = p.total;
    cur = (p && p.next_cursor) || '';
  } while (cur && all.length < EXPORT_MAX_ROWS);
  if (cur) all.cut = { shown: all.length, total };
  return all;
}

/*
 * The export button of a table (web/table.js's option `export`): OPTS {name, title, filters,
 * rows (async () → all rows, for a list paged on the server), testid}; COLUMNS the table's;
 * CURRENT () → the rows in the order shown. Shows the error beside it when the export fails.
 */
export function exportButton(opts, columns, current) {
  const msg = h('span', { class: 'export-msg small', role: 'status' });
  const btn = h('button', {
    type: 'button', class: 'btn btn-sm', testid: opts.testid || 'table-export', title: t('export.hint'),
    onclick: async () => {
      btn.disabled = true;
      msg.textContent = t('export.working');
      msg.classList.remove('error');
      try {
        const rows = opts.rows ? await opts.rows() : current();
        const filters = [...((typeof opts.filters === 'function' ? opts.filters() : opts.filters) || [])];
        const cut = rows.cut ? t('export.cut', { n: rows.cut.shown, total: rows.cut.total ?? '?' }) : '';
        if (cut) filters.push([t('export.about.rows'), cut]);
        await exportTable({
          name: typeof opts.name === 'function' ? opts.name() : opts.name,
          title: typeof opts.title === 'function' ? opts.title() : (opts.title || (typeof opts.name === 'function' ? opts.name() : opts.name)),
          filters, columns, rows,
        });
        msg.textContent = cut || t('export.done', { n: rows.length });
      } catch (e) {
        msg.textContent = e instanceof ApiError ? e.text() : String(e && e.message || e);
        msg.classList.add('error');
      } finally {
        btn.disabled = false;
      }
    },
  }, '⬇ ' + t('export.xlsx'));
  return h('div', { class: 'table-tools no-print' }, msg, btn);
}
