// The one table and the one pager of the web pages. A page describes its columns and hands over
// its rows; the table draws the head (sortable columns as buttons with aria-sort), the body or
// an empty-state line, and, when asked, pages the rows with the same pager that cursor-paged
// lists use. On a narrow screen each row becomes a card (the column names come from data-label).
import { t } from './i18n.js';
import { h, clear, isNum } from './util.js';
import { exportButton } from './export.js';

/*
 * table(rows, options) → a div.table-wrap holding the table (and its pager when it pages).
 *
 * Columns (options.columns; null entries are left out, so a column can be conditional):
 *   key       the field shown when there is no render; the sort key (sort-KEY is the test id of
 *             its header button)
 *   label     the header: text or a node
 *   render    (row, index) → the cell's content (text, node, array); default row[key]
 *   class     the cell's class: a string or (row) → string
 *   attrs     (row) → more attributes of the cell (title, colspan, rowspan); null leaves the
 *             cell out (a cell of the row before spans it)
 *   align     'num': right-aligned tabular figures, head and cells
 *   sort      true (row[key]) or (row) → value: the column sorts on a click; text compares in
 *             Chinese collation, numbers numerically, unknown values last in either order
 *   first     the order of a first click: 'asc' or 'desc' (default: desc for num, asc otherwise)
 *   title, thClass, testid   the header cell's title, class and test id
 *
 * Options:
 *   testid, id, class         of the <table> ('data' is always there)
 *   wrap                      attributes of the wrapping div (class is added to table-wrap)
 *   row                       (row, index) → attributes of the <tr> (dataset, testid, class…)
 *   open                      (row, tr) → void: the row opens something on a click or Enter (a
 *                             click on a link or a button inside it is left to that)
 *   expand                    (row, tr, index, {sort}) → the nodes that stand for the row
 *                             (extra rows before or after it); SORT is the sort a header click
 *                             chose (null before any), e.g. to drop group rows once sorted
 *   head                      false: no <thead>
 *   empty, emptyTestid        the empty-state text (default common.empty) and its test id;
 *   emptyBlock                true: an empty list is a paragraph instead of a table
 *   sort                      {key, order}: the sort shown at first
 *   onSort(key, order)        called after a header click
 *   serverSort                true: rows come sorted (onSort fetches them); no sorting here
 *   pageSize                  pages the rows, this many a page, with the pager below
 *   pagerTestid               the pager's test id prefix (PREFIX-prev, -next, -page)
 *   cards                     false: keeps the table a table on a narrow screen
 *   export                    {name, title, filters, rows, testid}: an export button above the
 *                             table writes it to XLSX as shown (web/export.js: every page, in
 *                             the order shown, numbers as numbers); NAME the file's name,
 *                             FILTERS [[label, value]] what the page is filtered by, ROWS
 *                             async () → all rows when the table holds one page of a longer
 *                             list. Columns may set export: false, exportValue(row),
 *                             exportType ('number' | 'percent' | 'text') and exportLabel.
 *   filter                    {text: (row) → string, placeholder, testid}: a search box above
 *                             the table keeps the rows whose TEXT holds what is typed (any
 *                             case; several words: all of them), e.g. a name, a credit code and
 *                             a region name, so one box filters by name or region. Sorting,
 *                             paging (back to page 1), the count and the export follow it.
 *
 * The returned element has update(rows): draws other rows (sort and page kept when they can be).
 */
export function table(rows, o = {}) {
  const cols = (o.columns || []).filter(Boolean);
  const sortable = (c) => !!c.sort;
  let sort = o.sort && o.sort.key ? { key: o.sort.key, order: o.sort.order || firstOrder(cols.find((c) => c.key === o.sort.key)) } : null;
  let page = 1;
  let list = rows || [];
  let words = [];

  const headRow = h('tr');
  const tbody = h('tbody');
  const el = h('table', {
    class: ['data', o.open ? 'data-click' : '', o.cards === false ? '' : 'table-cards', o.class || ''].filter(Boolean).join(' '),
    testid: o.testid, id: o.id,
  }, o.head === false ? null : h('thead', null, headRow), tbody);
  const pagerBox = h('div');
  const wrapAttrs = o.wrap || {};
  const wrap = h('div', { ...wrapAttrs, class: 'table-wrap' + (wrapAttrs.class ? ' ' + wrapAttrs.class : '') }, el);
  const emptyP = h('p', { class: 'muted', testid: o.emptyTestid }, o.empty ?? t('common.empty'));
  const box = o.pageSize ? h('div', { class: 'table-box' }, wrap, pagerBox) : wrap;
  const out = o.emptyBlock ? h('div', null, box) : box; // a parent for the swap of table and paragraph

  function drawHead() {
    clear(headRow);
    for (const c of cols) {
      const active = !!sort && sort.key === c.key;
      const cls = [c.align === 'num' ? 'num' : '', c.thClass || ''].filter(Boolean).join(' ') || null;
      if (!sortable(c)) {
        headRow.appendChild(h('th', { class: cls, title: c.title, testid: c.testid }, c.label));
        continue;
      }
      headRow.appendChild(h('th', {
        class: cls, title: c.title, testid: c.testid,
        'aria-sort': active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none',
      }, h('button', {
        type: 'button', class: 'th-sort' + (active ? ' active' : ''), testid: 'sort-' + c.key,
        onclick: () => setSort(c),
      }, c.label, h('span', { class: 'sort-arrow', 'aria-hidden': 'true' }, active ? (sort.order === 'asc' ? '▲' : '▼') : '↕'))));
    }
  }

  function setSort(c) {
    if (sort && sort.key === c.key) sort = { key: c.key, order: sort.order === 'asc' ? 'desc' : 'asc' };
    else sort = { key: c.key, order: firstOrder(c) };
    page = 1;
    if (o.onSort) o.onSort(sort.key, sort.order);
    if (!o.serverSort) { drawHead(); drawBody(); }
  }

  // The rows the filter keeps (all of them without a filter or words).
  function kept() {
    if (!o.filter || !words.length) return list;
    return list.filter((r) => { const s = String(o.filter.text(r) ?? '').toLowerCase(); return words.every((w) => s.includes(w)); });
  }

  function sorted() {
    const rowsIn = kept();
    if (!sort || o.serverSort) return rowsIn;
    const c = cols.find((x) => x.key === sort.key);
    if (!c || !c.sort) return rowsIn;
    const get = typeof c.sort === 'function' ? c.sort : (r) => r[c.key];
    return rowsIn.map((r, i) => [get(r), i, r]).sort((a, b) => {
      const x = a[0], y = b[0];
      const xu = x === undefined || x === null || x === '' || (typeof x === 'number' && !isNum(x));
      const yu = y === undefined || y === null || y === '' || (typeof y === 'number' && !isNum(y));
      if (xu || yu) return xu && yu ? a[1] - b[1] : (xu ? 1 : -1); // unknown last
      const r = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN');
      return (sort.order === 'asc' ? r : -r) || a[1] - b[1];
    }).map((e) => e[2]);
  }

  function cell(c, r, i) {
    const extra = c.attrs ? c.attrs(r, i) : {};
    if (extra === null) return null;
    const cls = [c.align === 'num' ? 'num' : '', typeof c.class === 'function' ? c.class(r, i) : (c.class || '')].filter(Boolean).join(' ');
    const label = typeof c.label === 'string' ? c.label : (c.label && c.label.textContent) || '';
    return h('td', { class: cls || null, 'data-label': label || null, ...extra }, c.render ? c.render(r, i) : r[c.key]);
  }

  function rowNodes(r, i) {
    const attrs = o.row ? o.row(r, i) || {} : {};
    if (o.open) {
      attrs.tabindex = attrs.tabindex ?? '0';
      attrs.onclick = (ev) => { if (!ev.target.closest('a, button, summary, input, select, textarea')) o.open(r, ev.currentTarget); };
      attrs.onkeydown = (ev) => { if (ev.key === 'Enter' && ev.target === ev.currentTarget) o.open(r, ev.currentTarget); };
    }
    const tr = h('tr', attrs, cols.map((c) => cell(c, r, i)));
    return o.expand ? o.expand(r, tr, i, { sort }) : tr;
  }

  function drawBody() {
    clear(tbody);
    const all = sorted();
    const pages = o.pageSize ? Math.max(1, Math.ceil(all.length / o.pageSize)) : 1;
    if (page > pages) page = pages;
    const shown = o.pageSize ? all.slice((page - 1) * o.pageSize, page * o.pageSize) : all;
    if (o.emptyBlock) {
      if (!all.length && box.parentNode === out) out.replaceChild(emptyP, box);
      else if (all.length && emptyP.parentNode === out) out.replaceChild(box, emptyP);
    }
    if (!shown.length) {
      tbody.appendChild(h('tr', null, h('td', { class: 'empty', colspan: cols.length || 1, testid: o.emptyTestid }, o.empty ?? t('common.empty'))));
    } else {
      shown.forEach((r, k) => { const n = rowNodes(r, (page - 1) * (o.pageSize || 0) + k); tbody.append(...(Array.isArray(n) ? n.flat() : [n])); });
    }
    if (o.pageSize) {
      clear(pagerBox);
      if (pages > 1) {
        const from = (page - 1) * o.pageSize + 1, to = Math.min(all.length, page * o.pageSize);
        pagerBox.appendChild(pager({
          page, testid: o.pagerTestid,
          info: t('common.range', { from, to, n: all.length }),
          prev: page > 1 ? () => { page--; drawBody(); } : null,
          next: page < pages ? () => { page++; drawBody(); } : null,
        }));
      }
    }
  }

  let filterBox = null;
  if (o.filter) {
    const count = h('span', { class: 'muted small', testid: (o.filter.testid || 'table-filter') + '-count' });
    const input = h('input', {
      type: 'search', class: 'table-filter-input', testid: o.filter.testid || 'table-filter',
      placeholder: o.filter.placeholder || t('table.filter_hint'), 'aria-label': o.filter.placeholder || t('table.filter_hint'),
      oninput: () => {
        words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
        page = 1;
        drawBody();
        count.textContent = words.length ? t('table.filter_count', { n: kept().length, total: list.length }) : '';
      },
    });
    filterBox = h('div', { class: 'table-filter no-print' }, input, count);
  }
  const exportOpts = o.export && o.filter ? {
    ...o.export,
    filters: () => [...((typeof o.export.filters === 'function' ? o.export.filters() : o.export.filters) || []),
      ...(words.length ? [[t('table.filter_label'), words.join(' ')]] : [])],
  } : o.export;
  const body = filterBox ? h('div', { class: 'table-filtered' }, filterBox, out) : out;
  const root = o.export ? h('div', { class: 'table-export' }, exportButton(exportOpts, cols, sorted), body) : body;
  root.update = (next) => { list = next || []; drawBody(); };
  root.table = el;
  drawHead();
  drawBody();
  return root;
}

function firstOrder(c) {
  if (!c) return 'asc';
  return c.first || (c.align === 'num' ? 'desc' : 'asc');
}

/*
 * pager({page, prev, next, info, testid, ids, small}) → the pager under a list: the page number
 * (or INFO, e.g. "1–20 of 33"), and the previous and next buttons. PREV and NEXT are a function
 * (called on a click), a string (a link to that address), or null (the button is disabled, or
 * left out when OMIT is set). Test ids: IDS.prev / .next / .page, or TESTID-prev, -next, -page.
 */
export function pager({ page, prev, next, info, testid = 'pager', ids = {}, small = false, omit = false }) {
  const btn = (go, label, id) => {
    if (!go && omit) return null;
    const cls = 'btn' + (small ? ' btn-sm' : '');
    if (typeof go === 'string') return h('a', { class: cls, href: go, testid: id }, label);
    return h('button', { type: 'button', class: cls, testid: id, disabled: !go, onclick: go || null }, label);
  };
  return h('div', { class: 'pager', testid },
    h('span', { class: 'muted small', testid: ids.page || testid + '-page' },
      info ?? t('common.page', { n: page })),
    h('div', { class: 'pager-buttons' },
      btn(prev, t('common.prev'), ids.prev || testid + '-prev'),
      btn(next, t('common.next'), ids.next || testid + '-next')));
}

/*
 * The cursors of the pages seen of a cursor-paged list, so "previous" can go back: KEY names the
 * list and its filters, PAGE (1-based) is the page shown and CURSOR the cursor that fetched it.
 * Returns the cursor of page N (prevCursor(n)); kept for the page's lifetime in the browser.
 */
const trails = new Map();
export function cursorTrail(key, page, cursor) {
  const trail = trails.get(key) || [''];
  trail[page - 1] = cursor || '';
  trail.length = page;
  trails.set(key, trail);
  return (n) => trail[n - 1] || '';
}
