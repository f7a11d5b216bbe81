// Chain maps in a browser: the 33-chain comparison (chart and sortable table), one chain's tree,
// a click on a weak or missing node opening its side panel with targets, the gaps table opening
// the same panel, the targets CSV and the XLSX report (opened as a zip and its sheets read), and a
// chief who sees only their own chain.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import path from 'node:path';
import { startServer, launchBrowser, newPage, login, screenshot, chartDrawn, SHOTS } from './helpers.mjs';

let srv, browser, page;
const CHAIN = 'nev';
const CHIEF = { username: 'chief1', password: 'Chief-pass-1', role: 'chief' };

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  page = await newPage(browser);
  await login(page, srv.base, srv.users.analyst);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const tid = (id) => `[data-testid="${id}"]`;
// What is on the screen (the side panel is fixed to the window, so a full-page shot would cut it).
const viewShot = (p, name) => p.screenshot({ path: path.join(SHOTS, name + '.png') });
const apiJson = async (p, url) => {
  const r = await p.request.get(srv.base + url);
  assert.equal(r.status(), 200, `${url}: HTTP ${r.status()}`);
  return r.json();
};

/* ---------- a zip reader (central directory + inflate), enough for an XLSX ---------- */

function unzip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('no end of central directory: not a zip');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = new Map();
  for (let k = 0; k < count; k++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28), xlen = buf.readUInt16LE(p + 30), clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nlen);
    files.set(name, () => {
      if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error('bad local header of ' + name);
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const raw = buf.subarray(start, start + csize);
      return (method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
    });
    p += 46 + nlen + xlen + clen;
  }
  return files;
}

/* ---------- the tests ---------- */

test('the comparison shows all 33 chains in a chart and a sortable table', async () => {
  await page.goto(srv.base + '/#/chains');
  const d = await chartDrawn(page, tid('compare-chart'));
  assert.ok(d.width > 0 && d.series >= 1, 'the bubble chart is drawn');
  const points = await page.evaluate(() => {
    const inst = window.echarts.getInstanceByDom(document.querySelector('[data-testid="compare-chart"]'));
    return inst.getOption().series[0].data.length;
  });
  assert.equal(points, 33, 'one bubble per chain');
  const rows = page.locator(tid('compare-table') + ' tbody ' + tid('compare-row'));
  assert.equal(await rows.count(), 33);
  assert.match(await page.locator(tid('compare-total')).innerText(), /33/);
  const nevRow = page.locator(tid('compare-table') + ` tr[data-chain="${CHAIN}"]`);
  assert.equal(await nevRow.locator('.badge-cls').count(), 4, 'strong/adequate/weak/missing badges');

  // Sort by completeness, lowest first (two clicks: the first sorts highest first).
  await page.locator(tid('sort-completeness')).click();
  await page.locator(tid('sort-completeness')).click();
  await page.waitForFunction(() => location.hash.includes('sort=completeness') && location.hash.includes('order=asc'));
  const pct = (await page.locator(tid('compare-table') + ' tbody tr td:nth-child(6)').allInnerTexts())
    .map((s) => parseFloat(s.replace(/[^\d.]/g, '')));
  assert.equal(pct.length, 33);
  for (let i = 1; i < pct.length; i++) assert.ok(pct[i - 1] <= pct[i], `completeness ascending: ${pct.join(', ')}`);
  await screenshot(page, 'chains-compare');

  // Another scope.
  await page.locator(tid('scope-chengdu')).click();
  await page.waitForFunction(() => location.hash.includes('scope=chengdu'));
  await page.locator(tid('scope-chengdu') + '.active').waitFor();
  assert.match(await page.locator(tid('scope-name')).innerText(), /成都都市圈/);
  assert.equal(await rows.count(), 33);
  await chartDrawn(page, tid('compare-chart'));
});

let gapNode; // a weak or missing node of CHAIN that has investment targets

test('a row opens the chain: summary cards and the tree drawn, coloured by class', async () => {
  await page.goto(srv.base + '/#/chains');
  await page.locator(tid('compare-table') + ` tr[data-chain="${CHAIN}"]`).click();
  await page.waitForFunction((c) => location.hash.startsWith('#/chain/' + c), CHAIN);
  const d = await chartDrawn(page, tid('chain-tree'));
  assert.ok(d.width > 0 && d.height > 0, 'the tree canvas has a size');
  for (const k of ['enterprises', 'output', 'yoy', 'completeness', 'local_coverage', 'output_hhi']) {
    assert.match(await page.locator(tid('card-' + k) + ' .card-value').innerText(), /\d/, `card ${k} has a number`);
  }
  assert.equal(await page.locator(tid('class-legend') + ' .cls-legend-item').count(), 4, 'the legend explains four colours');

  const api = await apiJson(page, `/api/v1/chains/${CHAIN}`);
  const colours = await page.evaluate(() => {
    const inst = window.echarts.getInstanceByDom(document.querySelector('[data-testid="chain-tree"]'));
    const data = inst.getModel().getSeriesByIndex(0).getData();
    const out = {};
    for (let i = 0; i < data.count(); i++) {
      const raw = data.getRawDataItem(i);
      if (raw && raw.nodeId) out[raw.nodeId] = raw.itemStyle.color;
    }
    return out;
  });
  assert.equal(Object.keys(colours).length, api.nodes.length, 'every node is in the tree');
  const byClass = {};
  for (const n of api.nodes) (byClass[n.class] ||= new Set()).add(colours[n.id]);
  for (const [cls, set] of Object.entries(byClass)) assert.equal(set.size, 1, `one colour for ${cls}`);
  assert.equal(new Set(Object.values(byClass).map((s) => [...s][0])).size, Object.keys(byClass).length, 'classes differ in colour');

  // A weak or missing node with targets, found through the API.
  for (const n of api.nodes.filter((x) => x.class === 'weak' || x.class === 'missing')) {
    const nd = await apiJson(page, `/api/v1/chains/${CHAIN}/nodes/${n.id}`);
    if (nd.targets.length) { gapNode = { ...n, targets: nd.targets }; break; }
  }
  assert.ok(gapNode, 'the demo chain has a weak or missing node with targets');
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'chain-' + CHAIN);
});

test('clicking a weak or missing node in the tree opens its panel with targets', async () => {
  const tree = page.locator(tid('chain-tree'));
  await tree.scrollIntoViewIfNeeded();
  // Where the node is drawn, once the tree has stopped moving (two reads 150 ms apart agree).
  const where = () => page.evaluate((nodeId) => {
    const el = document.querySelector('[data-testid="chain-tree"]');
    const data = window.echarts.getInstanceByDom(el).getModel().getSeriesByIndex(0).getData();
    for (let i = 0; i < data.count(); i++) {
      const raw = data.getRawDataItem(i);
      if (raw && raw.nodeId === nodeId) {
        const m = data.getItemGraphicEl(i).transform;
        const r = el.getBoundingClientRect();
        return { x: Math.round(r.left + m[4]), y: Math.round(r.top + m[5]) };
      }
    }
    return null;
  }, gapNode.id);
  let at = await where();
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(150);
    const again = await where();
    if (at && again && at.x === again.x && at.y === again.y) break;
    at = again;
  }
  assert.ok(at, 'the node is drawn');
  await page.mouse.click(at.x, at.y);
  const panel = page.locator(tid('node-panel'));
  await panel.locator(tid('node-targets') + ' tbody ' + tid('target-row')).first().waitFor();
  assert.equal(await panel.getAttribute('data-node'), gapNode.id);
  assert.equal((await panel.locator(tid('node-name')).innerText()).trim(), gapNode.name_zh);
  assert.equal((await panel.locator(tid('node-reason')).innerText()).trim(), gapNode.reason_zh, 'the reason in Chinese');
  const n = await panel.locator(tid('node-targets') + ' tbody ' + tid('target-row')).count();
  assert.equal(n, gapNode.targets.length, 'every target of the node is listed');
  const first = panel.locator(tid('node-targets') + ' tbody ' + tid('target-row')).first();
  assert.equal(await first.getAttribute('data-uscc'), gapNode.targets[0].uscc, 'rank 1 first');
  assert.match(await panel.locator(tid('node-metrics')).innerText(), /\d/);
  assert.ok(page.url().includes('node=' + gapNode.id), 'the node is kept in the address');
  await viewShot(page, 'chain-node-panel');

  // Escape closes; a row of the gaps table opens the same panel.
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'hidden' });
  await page.locator(tid('gaps-table') + ` tr[data-node="${gapNode.id}"]`).click();
  await panel.locator(tid('node-targets') + ' tbody ' + tid('target-row')).first().waitFor();
  assert.equal(await panel.getAttribute('data-node'), gapNode.id);
  await page.locator(tid('node-close')).click();
  await panel.waitFor({ state: 'hidden' });
});

test('the targets export as CSV, and the report downloads as an XLSX with four sheets', async () => {
  const tgt = await apiJson(page, `/api/v1/chains/${CHAIN}/targets?limit=10`);
  const total = tgt.items.reduce((a, it) => a + it.targets.length, 0);
  assert.ok(total > 0);
  assert.equal(await page.locator(tid('targets-table') + ' tbody ' + tid('target-row')).count(), total);

  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.locator(tid('export-targets-csv')).click()]);
  assert.match(csvDl.suggestedFilename(), /\.csv$/);
  const csvFile = path.join(srv.dir || '/tmp', 'targets.csv');
  await csvDl.saveAs(csvFile);
  const csv = (await readFile(csvFile, 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r\n/);
  assert.equal(csv.length, total + 1, 'a header and one line per target');
  assert.ok(csv[1].includes(tgt.items[0].targets[0].uscc));

  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(tid('report-xlsx')).click()]);
  assert.match(dl.suggestedFilename(), new RegExp(`^chain-${CHAIN}-\\d{4}\\.xlsx$`));
  const file = path.join(srv.dir || '/tmp', 'report.xlsx');
  await dl.saveAs(file);
  const buf = await readFile(file);
  assert.equal(buf.subarray(0, 2).toString('latin1'), 'PK', 'a zip');
  const zip = unzip(buf);
  for (const name of ['[Content_Types].xml', 'xl/workbook.xml', 'xl/worksheets/sheet4.xml']) assert.ok(zip.has(name), `${name} is in the workbook`);
  const wb = zip.get('xl/workbook.xml')();
  const sheets = [...wb.matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(sheets.length, 4, `four sheets: ${sheets.join(' | ')}`);
  // one language: the page is in Chinese, so is the workbook (issue 14, item 7)
  assert.deepEqual(sheets, ['概况', '环节', '短板', '招商目标'], 'the sheets are named in Chinese only');
  const sheet4 = zip.get('xl/worksheets/sheet4.xml')();
  const rowsInSheet = (sheet4.match(/<row /g) || []).length;
  assert.equal(rowsInSheet, total + 1, 'the targets sheet has a header and the same targets as the page');
  assert.ok(sheet4.includes(tgt.items[0].targets[0].uscc), 'and names the first target');
});

test('the chain page is in English after the switch', async () => {
  await page.locator(tid('lang-switch')).click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await chartDrawn(page, tid('chain-tree'));
  const cjk = /[\u4e00-\u9fff]/;
  for (const s of await page.locator('main h2, main th, ' + tid('class-legend') + ', ' + tid('scope-bar') + ' button').allInnerTexts()) {
    assert.ok(!cjk.test(s), `"${s}" is English`);
  }
  await page.locator(tid('gaps-table') + ' tbody tr[data-node]').first().click();
  await page.locator(tid('node-panel') + ' ' + tid('node-targets')).waitFor();
  assert.ok(!cjk.test(await page.locator(tid('node-reason')).innerText()), 'the reason in English');
  await viewShot(page, 'chain-en-panel');
  await page.keyboard.press('Escape');
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'chain-en');
  await page.locator(tid('lang-switch')).click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.deepEqual(page.errors, [], 'no script errors');
});

test('a chief sees only their own chain and an error for another', async () => {
  if (!srv.dir) return; // an attached server: no CLI to make the account
  await srv.cli(['user', 'add', CHIEF.username, '--role', 'chief', '--password', CHIEF.password, '--chains', CHAIN]);
  const p = await newPage(browser);
  await login(p, srv.base, CHIEF);
  await p.goto(srv.base + '/#/chains');
  await chartDrawn(p, tid('compare-chart'));
  const ids = await p.locator(tid('compare-table') + ' tbody tr[data-chain]').evaluateAll((rs) => rs.map((r) => r.dataset.chain));
  assert.deepEqual(ids, [CHAIN], 'only the assigned chain');
  await screenshot(p, 'chains-chief');

  await p.goto(srv.base + '/#/chain/ic');
  const err = p.locator(tid('page-error'));
  await err.waitFor();
  assert.match(await err.innerText(), /链长只能查看分管的产业链/);
  assert.equal(await p.locator(tid('chain-tree')).count(), 0, 'no tree is drawn');
  assert.equal((await p.request.get(srv.base + '/api/v1/chains/ic/report')).status(), 403, 'nor is the report given');
  await screenshot(p, 'chain-chief-forbidden');

  await p.goto(srv.base + '/#/chain/' + CHAIN);
  await chartDrawn(p, tid('chain-tree'));
  assert.deepEqual(p.errors, []);
  await p.context().close();
});
