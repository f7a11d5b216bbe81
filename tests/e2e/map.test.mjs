// The district map (issue 14, item 8) on the dashboard and the chain page: it draws Chongqing's
// 38 districts and counties from the outlines web/map/chuanyu.json (the region codes the API
// counts by), colours them by the metric chosen, says 暂无数据 where a district has no firm, and
// a click on a district makes it the page's scope (the dashboard's card then counts the
// district's firms as GET /api/v1/areas gave them; on the chain page, the chain's card). Names
// follow the language; at 390×844 the map fits the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openAnalyst, closeAnalyst, newPage, login, screenshot, chartDrawn, SHOTS } from './helpers.mjs';

let srv, browser, page;
const tid = (id) => `[data-testid="${id}"]`;

before(async () => { ({ srv, browser, page } = await openAnalyst({ enterprises: 800, seed: 12 })); });
after(() => closeAnalyst({ srv, browser }));

const apiJson = async (p, url) => {
  const r = await p.request.get(srv.base + url);
  assert.equal(r.status(), 200, url);
  return r.json();
};

// A point well inside the largest polygon of FEATURE: the grid point farthest from its edges.
function inside(feature) {
  const polys = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  const ringArea = (r) => Math.abs(r.reduce((s, p, i) => { const q = r[(i + 1) % r.length]; return s + p[0] * q[1] - q[0] * p[1]; }, 0));
  const rings = polys.sort((a, b) => ringArea(b[0]) - ringArea(a[0]))[0];
  const outer = rings[0];
  const xs = outer.map((p) => p[0]), ys = outer.map((p) => p[1]);
  const within = (x, y) => rings.reduce((acc, r) => {
    let c = false;
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      if ((r[i][1] > y) !== (r[j][1] > y) && x < ((r[j][0] - r[i][0]) * (y - r[i][1])) / (r[j][1] - r[i][1]) + r[i][0]) c = !c;
    }
    return acc !== c;
  }, false);
  const edgeDist = (x, y) => {
    let best = Infinity;
    for (const r of rings) {
      for (let i = 0; i < r.length - 1; i++) {
        const [ax, ay] = r[i], [bx, by] = r[i + 1];
        const dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy || 1;
        const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len));
        best = Math.min(best, Math.hypot(ax + t * dx - x, ay + t * dy - y));
      }
    }
    return best;
  };
  let best = null;
  const N = 40;
  for (let i = 1; i < N; i++) {
    for (let j = 1; j < N; j++) {
      const x = Math.min(...xs) + ((Math.max(...xs) - Math.min(...xs)) * i) / N;
      const y = Math.min(...ys) + ((Math.max(...ys) - Math.min(...ys)) * j) / N;
      if (!within(x, y)) continue;
      const d = edgeDist(x, y);
      if (!best || d > best.d) best = { x, y, d };
    }
  }
  return [best.x, best.y];
}

// Clicks (or hovers) the area CODE of the map in SEL, at a point inside its outline.
async function atArea(p, sel, geo, code, action = 'click') {
  const f = geo.features.find((x) => x.properties.code === code);
  const lnglat = inside(f);
  const xy = await p.evaluate(([s, ll]) => {
    const el = document.querySelector(s);
    const px = window.echarts.getInstanceByDom(el).convertToPixel({ seriesIndex: 0 }, ll);
    const r = el.getBoundingClientRect();
    return [r.left + px[0], r.top + px[1]];
  }, [sel, lnglat]);
  await p.mouse.move(xy[0], xy[1]);
  if (action === 'click') await p.mouse.click(xy[0], xy[1]);
}

// The map in SEL as drawn: registered outlines, series data, legend and metric.
const drawn = (p, sel) => p.evaluate((s) => {
  const el = document.querySelector(s);
  const inst = window.echarts.getInstanceByDom(el);
  const o = inst.getOption();
  const series = o.series[0];
  const geo = window.echarts.getMap(series.map).geoJSON;
  return {
    map: series.map, metric: el.dataset.metric, codes: geo.features.map((f) => f.properties.code).sort(),
    data: series.data.map((d) => ({ name: d.name, value: d.value, out: !!d.out })),
    visual: o.visualMap && o.visualMap[0] ? { min: o.visualMap[0].min, max: o.visualMap[0].max } : null,
    labels: series.data.slice(0, 3).map((d) => series.label.formatter({ name: d.name })),
  };
}, sel);

test('the dashboard\'s map draws Chongqing\'s 38 districts, and a click makes one the scope', async () => {
  const geo = await apiJson(page, '/web/map/chuanyu.json');
  const cq = geo.features.filter((f) => Math.floor(f.properties.code / 10000) === 50).map((f) => f.properties.code).sort();
  const regions = (await apiJson(page, '/api/v1/regions?parent=500000')).filter((r) => r.level === 3).map((r) => r.code).sort();
  assert.equal(cq.length, 38, 'the outlines hold 38 Chongqing areas');
  assert.deepEqual(cq, regions, 'keyed by today\'s district codes (梁平区 500155, 武隆区 500156 …)');

  await page.goto(srv.base + '/#/');
  const sel = tid('district-map') + ' ' + tid('map-chart');
  await chartDrawn(page, sel);
  const areas = await apiJson(page, '/api/v1/areas');
  const m = await drawn(page, sel);
  assert.equal(m.map, 'cc-50', 'the scope is Chongqing: its map');
  assert.deepEqual(m.codes, cq, 'the map draws the 38 districts and counties');
  assert.equal(m.data.length, 38, 'each with a value or 暂无数据');
  assert.deepEqual(areas.areas.map((a) => a.code).sort(), cq, 'the API counts by the same 38 areas');
  for (const a of areas.areas) {
    const d = m.data.find((x) => Number(x.name) === a.code);
    assert.equal(d.value, a.enterprises ? a.enterprises : null, `${a.name}: coloured by its firms, or 暂无数据`);
  }
  assert.equal(m.visual.max, Math.max(...areas.areas.map((a) => a.enterprises)), 'the legend spans the counts');
  assert.match(m.labels.join(' '), /万州/, 'Chinese names in Chinese');
  assert.match(await page.locator(tid('district-map')).innerText(), /单位：家[\s\S]*暂无数据/, 'the keys say 暂无数据 and the unit');

  // Output: the legend follows, in 亿/万 (format.js).
  await page.locator(tid('map-metric-output_value')).click();
  await page.waitForFunction((s) => document.querySelector(s).dataset.metric === 'output_value', sel);
  const mo = await drawn(page, sel);
  const maxOut = Math.max(...areas.areas.filter((a) => a.enterprises).map((a) => a.output_value));
  assert.ok(Math.abs(mo.visual.max - maxOut) < 1e-6 * maxOut, 'the legend spans the output');
  assert.match(await page.locator(tid('map-unit')).innerText(), /亿/);

  // The district with most firms: its tooltip, then a click.
  const top = areas.areas.slice().sort((a, b) => b.enterprises - a.enterprises)[0];
  await atArea(page, sel, geo, top.code, 'hover');
  const tip = page.locator(sel + ' div').filter({ hasText: top.name }).last();
  await tip.waitFor();
  assert.match(await tip.innerText(), new RegExp(top.name + '[\\s\\S]*' + top.enterprises + '家'), 'the tooltip names the district and its firms');
  await screenshot(page, 'map-dashboard');
  await page.locator(tid('district-map')).screenshot({ path: path.join(SHOTS, 'map-dashboard-panel.png') });
  await atArea(page, sel, geo, top.code);
  await page.waitForFunction((c) => location.hash.includes('scope=' + c), top.code);
  await page.locator(tid('dashboard-scope') + ' ' + tid('scope-name')).filter({ hasText: top.name }).waitFor();
  const shown = (await page.locator(tid('count-enterprises') + ' .card-value').innerText()).replace(/[^\d]/g, '');
  assert.equal(Number(shown), top.enterprises, 'the card counts the clicked district\'s firms, as the map did');
  await chartDrawn(page, sel);
  const m2 = await drawn(page, sel);
  assert.equal(m2.data.filter((d) => !d.out).length, 1, 'the map marks the scope: one district in, the others outside');
  assert.deepEqual(page.errors, []);
});

test('the chain page\'s map counts the chain, shows missing links, and filters by a click', async () => {
  const geo = await apiJson(page, '/web/map/chuanyu.json');
  await page.goto(srv.base + '/#/chain/nev');
  const sel = tid('chain-map') + ' ' + tid('map-chart');
  await chartDrawn(page, sel);
  const areas = await apiJson(page, '/api/v1/areas?chain=nev');
  await page.locator(tid('map-metric-missing')).click();
  await page.waitForFunction((s) => document.querySelector(s).dataset.metric === 'missing', sel);
  const m = await drawn(page, sel);
  for (const a of areas.areas.filter((x) => x.enterprises)) {
    assert.equal(m.data.find((x) => Number(x.name) === a.code).value, a.missing, `${a.name}: its missing links`);
  }
  assert.match(await page.locator(tid('map-unit')).innerText(), new RegExp('本链 ' + areas.chain.nodes + ' 个环节'));
  await page.locator(tid('chain-map')).screenshot({ path: path.join(SHOTS, 'map-chain-missing.png') });
  const pickArea = areas.areas.filter((a) => a.enterprises).sort((a, b) => b.enterprises - a.enterprises)[0];
  await atArea(page, sel, geo, pickArea.code);
  await page.waitForFunction((c) => location.hash.startsWith('#/chain/nev') && location.hash.includes('scope=' + c), pickArea.code);
  await page.locator(tid('scope-name')).filter({ hasText: pickArea.name }).waitFor();
  const card = (await page.locator(tid('chain-cards') + ' [data-testid="card-enterprises"] .card-value').innerText()).replace(/[^\d]/g, '');
  assert.equal(Number(card), pickArea.enterprises, 'the chain\'s card counts the clicked district\'s members');
  const page2 = await apiJson(page, '/api/v1/chains/nev?scope=' + pickArea.code);
  assert.equal(page2.chain.missing, pickArea.missing, 'and its missing links are the map\'s');
  await screenshot(page, 'map-chain');

  // A district without a member of the chain: the map says 暂无数据 and why.
  const none = areas.areas.find((a) => a.enterprises === 0);
  assert.ok(none, 'some district has no member of the chain');
  await page.goto(srv.base + '/#/chain/nev?scope=' + none.code);
  const empty = page.locator(tid('chain-map') + ' ' + tid('chart-empty'));
  await empty.waitFor();
  assert.match(await empty.innerText(), /暂无数据[\s\S]*没有本链企业/);
  assert.deepEqual(page.errors, []);
});

test('the same figures as a table, whose row opens the district too', async () => {
  await page.goto(srv.base + '/#/');
  const sel = tid('district-map') + ' ' + tid('map-chart');
  await chartDrawn(page, sel);
  const areas = (await apiJson(page, '/api/v1/areas')).areas.slice().sort((a, b) => b.enterprises - a.enterprises);
  await page.locator(tid('map-list') + ' summary').click();
  const rows = page.locator(tid('map-table') + ' tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 10, 'ten districts a page');
  const codes = await rows.evaluateAll((rs) => rs.map((r) => Number(r.dataset.code)));
  assert.deepEqual(codes.slice(0, 1), [areas[0].code], 'most firms first');
  assert.match(await rows.first().innerText(), new RegExp(areas[0].name + '[\\s\\S]*' + areas[0].enterprises + '家'));
  await rows.nth(1).click();
  await page.waitForFunction((c) => location.hash.includes('scope=' + c), codes[1]);
  const shown = (await page.locator(tid('count-enterprises') + ' .card-value').innerText()).replace(/[^\d]/g, '');
  assert.equal(Number(shown), areas.find((a) => a.code === codes[1]).enterprises, 'the row opened that district');
  assert.deepEqual(page.errors, []);
});

test('English names in English; at 390×844 the map fits the screen', async () => {
  const p = await newPage(browser);
  await login(p, srv.base, srv.users.analyst);
  await p.evaluate(() => localStorage.setItem('cc.lang', 'en'));
  await p.goto(srv.base + '/#/?scope=both');
  await p.reload();
  const sel = tid('district-map') + ' ' + tid('map-chart');
  await chartDrawn(p, sel);
  const m = await drawn(p, sel);
  assert.equal(m.map, 'cc-50-51', 'Chengdu–Chongqing: both provinces on one map');
  assert.equal(m.codes.length, 59, '38 districts and 21 cities');
  assert.equal(m.data.filter((d) => !d.out).length, 38 + 4, 'the scope: Chongqing and the four cities of the Chengdu area');
  assert.match(m.labels.join(' '), /Wanzhou/, 'pinyin names in English');
  assert.doesNotMatch(await p.locator(tid('district-map')).innerText(), /[\u4e00-\u9fff]/, 'no Chinese around the English map');
  await p.locator(tid('district-map')).screenshot({ path: path.join(SHOTS, 'map-english-both.png') });

  await p.goto(srv.base + '/#/?scope=500112');
  await p.locator(tid('dashboard-scope') + ' ' + tid('scope-name')).filter({ hasText: 'Yubei District' }).waitFor();
  await p.waitForFunction(() => document.querySelectorAll('[data-testid="scope-region"] option').length > 30);
  assert.doesNotMatch(await p.locator(tid('dashboard-scope')).innerText(), /[\u4e00-\u9fff]/, 'a district scope is named in English, its choices too');

  await p.setViewportSize({ width: 390, height: 844 });
  await p.goto(srv.base + '/#/');
  await chartDrawn(p, sel);
  const box = await p.locator(sel).boundingBox();
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, 'the page is no wider than the phone: ' + width);
  assert.ok(box.x >= 0 && box.x + box.width <= 390 && box.height <= 844, 'the map fits the screen: ' + JSON.stringify(box));
  await screenshot(p, 'map-phone');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});
