// The shared table and pager (web/table.js) on real pages: the enterprise register sorted by a
// header click (on the server, aria-sort on the header) and paged forward and back in that order;
// a chain node's enterprises sorted in the browser and paged ten at a time; the users sorted by
// name both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, screenshot } from './helpers.mjs';

let srv, browser, page;
const tid = (id) => `[data-testid="${id}"]`;

before(async () => {
  srv = await startServer({ enterprises: 800 });
  browser = await launchBrowser();
  page = await newPage(browser);
  await login(page, srv.base, srv.users.admin);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// "12,345.60万元" → 12345.6; "1,096.58亿元" → 10965800 (万元); "—" (unknown) → null.
const num = (s) => { const v = parseFloat(s.replace(/[^\d.-]/g, '')); return Number.isFinite(v) ? (s.includes('亿') ? v * 1e4 : v) : null; };
const known = (xs) => xs.filter((v) => v !== null);
const monotonic = (xs, order) => xs.every((v, i) => i === 0 || (order === 'asc' ? xs[i - 1] <= v : xs[i - 1] >= v));

test('the register sorts by a header click and pages in that order', async () => {
  await page.goto(srv.base + '/#/enterprises?limit=20');
  const links = page.locator(tid('results-table') + ' tbody ' + tid('result-link'));
  await links.first().waitFor();
  const revenueHead = page.locator(tid('results-table') + ' th:has(' + tid('sort-revenue') + ')');
  assert.equal(await revenueHead.getAttribute('aria-sort'), 'none', 'not sorted by revenue yet');

  await page.locator(tid('sort-revenue')).click();
  await page.waitForFunction(() => location.hash.includes('sort=revenue') && location.hash.includes('order=desc'));
  await page.locator(tid('results-table') + ' th[aria-sort="descending"] ' + tid('sort-revenue')).waitFor();
  const revenue = () => page.locator(tid('results-table') + ' tbody tr td:nth-child(8)').allInnerTexts().then((xs) => xs.map(num));
  const p1 = await revenue();
  assert.equal(p1.length, 20);
  assert.ok(known(p1).length >= 10 && monotonic(known(p1), 'desc'), `page 1 by revenue, highest first: ${p1.join(', ')}`);
  const firstNames = await links.allInnerTexts();

  // The pager: page 2 continues the order; back to page 1.
  await page.locator(tid('next-page')).click();
  await page.waitForFunction(() => location.hash.includes('cursor=') && location.hash.includes('page=2'));
  await page.waitForFunction((prev) => document.querySelector('[data-testid="results-table"] tbody [data-testid="result-link"]')?.textContent !== prev, firstNames[0]);
  assert.match(await page.locator(tid('results-page')).innerText(), /2/);
  const p2 = await revenue();
  assert.equal(p2.length, 20);
  assert.ok(monotonic(known(p2), 'desc'), `page 2 by revenue: ${p2.join(', ')}`);
  assert.ok(known(p2)[0] <= known(p1).at(-1), 'page 2 starts where page 1 ended');
  assert.ok(!(await links.allInnerTexts()).some((n) => firstNames.includes(n)), 'other enterprises on page 2');
  assert.equal(await page.locator(tid('results-table') + ' th[aria-sort="descending"] ' + tid('sort-revenue')).count(), 1, 'the sort is kept');
  await page.locator(tid('prev-page')).click();
  await page.waitForFunction((f) => document.querySelector('[data-testid="results-table"] tbody [data-testid="result-link"]')?.textContent === f, firstNames[0]);
  assert.ok(await page.locator(tid('prev-page')).isDisabled(), 'no page before the first');

  // A second click turns the order round and starts again at page 1.
  await page.locator(tid('sort-revenue')).click();
  await page.waitForFunction(() => location.hash.includes('order=asc') && !location.hash.includes('cursor='));
  await page.locator(tid('results-table') + ' th[aria-sort="ascending"] ' + tid('sort-revenue')).waitFor();
  assert.ok(monotonic(known(await revenue()), 'asc'), 'lowest first');
  await screenshot(page, 'table-register-sorted');
});

test("a node's enterprises sort in the browser and page ten at a time", async () => {
  const chain = 'nev';
  const d = await (await page.request.get(srv.base + `/api/v1/chains/${chain}`)).json();
  const node = d.nodes.filter((n) => n.enterprises > 10).sort((a, b) => b.enterprises - a.enterprises)[0];
  assert.ok(node, 'a node with more than ten enterprises');
  await page.goto(srv.base + `/#/chain/${chain}?node=${node.id}`);
  const panel = page.locator(tid('node-panel'));
  const rows = panel.locator(tid('node-enterprises') + ' tbody tr');
  await rows.first().locator(tid('node-enterprise-link')).waitFor();
  assert.equal(await rows.count(), 10, 'ten a page');
  const info = panel.locator(tid('node-enterprises-pager-page'));
  assert.match(await info.innerText(), /1–10/);
  const firstPage = await rows.evaluateAll((rs) => rs.map((r) => r.dataset.uscc));

  await panel.locator(tid('node-enterprises-pager-next')).click();
  await page.waitForFunction(() => /11–/.test(document.querySelector('[data-testid="node-enterprises-pager-page"]').textContent));
  const second = await rows.evaluateAll((rs) => rs.map((r) => r.dataset.uscc));
  assert.ok(second.length >= 1 && !second.some((u) => firstPage.includes(u)), 'other enterprises on page 2');
  assert.ok(await panel.locator(tid('node-enterprises-pager-prev')).isEnabled());

  // Sorting goes back to the first page, highest output first, then lowest first.
  const output = () => rows.locator('td:nth-child(3)').allInnerTexts().then((xs) => xs.map(num));
  await panel.locator(tid('sort-output_value')).click();
  await panel.locator(tid('node-enterprises') + ' th[aria-sort="descending"]').waitFor();
  assert.match(await info.innerText(), /1–10/);
  const desc = known(await output());
  assert.ok(monotonic(desc, 'desc'), `highest first: ${desc.join(', ')}`);
  const all = (await (await page.request.get(srv.base + `/api/v1/chains/${chain}/nodes/${node.id}`)).json()).enterprises
    .map((e) => e.output_value).filter((v) => typeof v === 'number');
  // Shown in 亿元 with two decimals when large: equal to within half of 0.01亿 (50 万元).
  assert.ok(Math.abs(desc[0] - Math.max(...all)) <= 50.01, 'the largest of all pages comes first');
  await panel.locator(tid('sort-output_value')).click();
  await panel.locator(tid('node-enterprises') + ' th[aria-sort="ascending"]').waitFor();
  assert.ok(monotonic(known(await output()), 'asc'), 'lowest first');
  await screenshot(page, 'table-node-enterprises');
  await page.keyboard.press('Escape');
});

test('the users sort by name both ways', async () => {
  await page.goto(srv.base + '/#/admin');
  const names = () => page.locator(tid('users-table') + ' tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.username));
  await page.locator(tid('users-table') + ' tbody tr').first().waitFor();
  await page.locator(tid('sort-username')).click();
  await page.locator(tid('users-table') + ' th[aria-sort="ascending"]').waitFor();
  const asc = await names();
  assert.ok(asc.length >= 3);
  assert.deepEqual(asc, [...asc].sort((a, b) => a.localeCompare(b, 'zh-CN')));
  await page.locator(tid('sort-username')).click();
  await page.locator(tid('users-table') + ' th[aria-sort="descending"]').waitFor();
  assert.deepEqual(await names(), [...asc].reverse());
  assert.deepEqual(page.errors, [], 'no script errors');
});
