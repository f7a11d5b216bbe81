// The official at the desk (issue 14, items 4 and 10): the dashboard states the scope it counts
// and gives a chain the chain page's numbers; another scope from its selector changes both;
// a chief lands on their chains. The import page offers a template per kind and lists the
// reasons of rejected rows in a table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { openAnalyst, closeAnalyst, newPage, login, screenshot, chartDrawn } from './helpers.mjs';

let srv, browser, page;
const tid = (id) => `[data-testid="${id}"]`;
const CHIEF = { username: 'chief5', password: 'Chief-pass-5', role: 'chief' };

before(async () => { ({ srv, browser, page } = await openAnalyst({ enterprises: 600, seed: 11 })); });
after(() => closeAnalyst({ srv, browser }));

const apiJson = async (p, url) => (await p.request.get(srv.base + url)).json();

test('the dashboard states its scope and gives a chain the chain page\'s numbers', async () => {
  await page.goto(srv.base + '/#/');
  const scopeName = page.locator(tid('dashboard-scope') + ' ' + tid('scope-name'));
  await scopeName.waitFor();
  assert.match(await scopeName.innerText(), /重庆市/, 'the default scope is named');
  assert.match(await page.locator(tid('dashboard-year')).innerText(), /统计范围：重庆市/, 'and the counts say it');
  assert.equal(await page.locator(tid('scope-chongqing')).getAttribute('aria-pressed'), 'true');
  await chartDrawn(page, tid('chart-chain'));

  const dash = await apiJson(page, '/api/v1/dashboard');
  const shown = (await page.locator(tid('count-enterprises') + ' .card-value').innerText()).replace(/[^\d]/g, '');
  assert.equal(Number(shown), dash.counts.enterprises, 'the card shows the scope\'s count');
  const nev = dash.by_chain.find((c) => c.id === 'nev');
  const chain = await apiJson(page, '/api/v1/chains/nev');
  assert.equal(nev.enterprises, chain.chain.enterprises, 'nev: the dashboard\'s firms are the chain page\'s');
  assert.equal(nev.output_value, chain.chain.output, 'and so is the output');

  // Another scope from the selector: the page follows, and still agrees with the chain page.
  await page.locator(tid('scope-both')).click();
  await page.waitForFunction(() => location.hash.includes('scope=both'));
  await page.locator(tid('dashboard-scope') + ' ' + tid('scope-name')).filter({ hasText: '成渝地区' }).waitFor();
  const both = await apiJson(page, '/api/v1/dashboard?scope=both');
  const shownBoth = (await page.locator(tid('count-enterprises') + ' .card-value').innerText()).replace(/[^\d]/g, '');
  assert.equal(Number(shownBoth), both.counts.enterprises);
  assert.ok(both.counts.enterprises > dash.counts.enterprises, 'Chengdu–Chongqing holds more firms than Chongqing');
  const link = page.locator(tid('dash-chain-nev'));
  if (await link.count()) {
    await link.click();
    await page.waitForFunction(() => location.hash.startsWith('#/chain/nev') && location.hash.includes('scope=both'));
  }
  const chainBoth = await apiJson(page, '/api/v1/chains/nev?scope=both');
  assert.equal(both.by_chain.find((c) => c.id === 'nev').enterprises, chainBoth.chain.enterprises);
  await screenshot(page, 'desk-dashboard-scope');
  assert.deepEqual(page.errors, []);
});

test('a chief\'s home page is their chains', async () => {
  if (!srv.dir) return; // an attached server: no CLI to make the account
  await srv.cli(['user', 'add', CHIEF.username, '--role', 'chief', '--password', CHIEF.password, '--chains', 'nev']);
  const p = await newPage(browser);
  await login(p, srv.base, CHIEF);
  await p.waitForFunction(() => location.hash.startsWith('#/chains'));
  await chartDrawn(p, tid('compare-chart'));
  const ids = await p.locator(tid('compare-table') + ' tbody tr[data-chain]').evaluateAll((rs) => rs.map((r) => r.dataset.chain));
  assert.deepEqual(ids, ['nev']);
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('the import page offers templates and lists the reasons of rejected rows', async () => {
  await page.goto(srv.base + '/#/import');
  await page.locator(tid('import-templates')).waitFor();
  for (const k of ['enterprises', 'indicators', 'chain_members', 'supply', 'postings']) {
    const href = await page.locator(tid('template-' + k)).getAttribute('href');
    const r = await page.request.get(new URL(href, srv.base + '/').toString());
    assert.equal(r.status(), 200, `template ${k}`);
    assert.match(r.headers()['content-type'], /spreadsheetml/);
  }
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(tid('template-enterprises')).click()]);
  assert.match(download.suggestedFilename(), /template-enterprises\.xlsx/);

  // 120 bad rows: the first 100 listed on the page, the rest in the CSV.
  const rows = ['统一社会信用代码,企业名称,行政区划代码,企业规模'];
  for (let i = 0; i < 120; i++) rows.push(`91500000BADCODE${String(i).padStart(3, '0')},坏企业${i},999999,巨型`);
  const file = path.join(srv.dir || '/tmp', 'desk-bad.csv');
  await writeFile(file, rows.join('\n') + '\n');
  await page.locator(tid('import-file')).setInputFiles(file);
  await page.locator(tid('import-submit')).click();
  await page.locator(tid('import-rejects')).waitFor();
  assert.match(await page.locator(tid('import-rejects-note')).innerText(), /前 100 行.*共 120 行/);
  const table = page.locator(tid('rejects-table'));
  const first = await table.locator('tbody tr').first().innerText();
  assert.match(first, /统一社会信用代码/, 'the column by its Chinese name');
  assert.match(first, /91500000BADCODE000/, 'the value as found');
  assert.match(await table.innerText(), /企业规模应为 大型\/中型\/小型\/微型/, 'the reason in Chinese');
  assert.ok(await page.locator(tid('rejects-link')).isVisible(), 'and the full report to download');
  await screenshot(page, 'desk-import-rejects');
  assert.deepEqual(page.errors, []);
});
