// The shared table and pager (web/table.js) on real pages: the enterprise register sorted by a
// header click (on the server, aria-sort on the header) and paged forward and back in that order,
// the sorted metric's column in view; a chain node's enterprises sorted in the browser and paged
// ten at a time; the users sorted by name both ways; the risk tables paged, sorted and filtered.
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
  // The sorted metric's column comes right after the name, in view (issue 14).
  assert.equal(await page.locator(tid('results-table') + ' thead th:nth-child(2) ' + tid('sort-revenue')).count(), 1, 'revenue is the second column');
  const revenue = () => page.locator(tid('results-table') + ' tbody tr td:nth-child(2)').allInnerTexts().then((xs) => xs.map(num));
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

test('the register sorted by any metric shows that metric in view, at the desk and on a laptop', async () => {
  for (const width of [1440, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(srv.base + '/#/enterprises?sort=employees&order=desc');
    const col = page.locator(tid('results-table') + ' ' + tid('sort-col'));
    await col.waitFor();
    const box = await page.evaluate(() => {
      const th = document.querySelector('[data-testid="sort-col"]').getBoundingClientRect();
      const wrap = document.querySelector('[data-testid="sort-col"]').closest('.table-wrap').getBoundingClientRect();
      return { left: th.left, right: th.right, wrapLeft: wrap.left, wrapRight: wrap.right };
    });
    assert.ok(box.left >= box.wrapLeft && box.right <= box.wrapRight, `the employees column is in view at ${width}: ${JSON.stringify(box)}`);
    assert.equal(await page.locator(tid('results-table') + ' thead th:nth-child(2)').getAttribute('data-testid'), 'sort-col');
    const vals = (await page.locator(tid('results-table') + ' tbody tr td:nth-child(2)').allInnerTexts()).map(num);
    assert.ok(known(vals).length > 5 && monotonic(known(vals), 'desc'), vals.join());
  }
  await page.setViewportSize({ width: 1440, height: 900 });
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

// The risk tables (issue 14, item 9): a chain's single points of failure (a thousand in one
// chain of the full demo) page twenty at a time, sort by a header click, and a text box filters
// them by name, credit code or region, the pager and the count following the filter.
test('the single points of failure page, sort and filter by name or region', async () => {
  const ov = await (await page.request.get(srv.base + '/api/v1/risk/overview')).json();
  const top = ov.chains.slice().sort((a, b) => b.spof - a.spof)[0];
  const d = await (await page.request.get(srv.base + `/api/v1/risk/chains/${top.chain}`)).json();
  assert.ok(d.spof_count > 20, `a chain with more than 20 single points of failure (${top.chain}: ${d.spof_count})`);
  assert.equal(d.spof.length, d.spof_count, 'the API lists them all');
  await page.goto(srv.base + `/#/risk?tab=chain&chain=${top.chain}`);
  const rows = page.locator(tid('spof-table') + ' tbody ' + tid('spof-row'));
  await rows.first().waitFor();
  assert.equal(await rows.count(), 20, 'twenty a page');
  const info = page.locator(tid('spof-pager-page'));
  assert.equal(await info.innerText(), `第 1–20 条，共 ${new Intl.NumberFormat('zh-CN').format(d.spof_count)} 条`);
  const ids = () => rows.evaluateAll((rs) => rs.map((r) => r.dataset.uscc));
  const p1 = await ids();
  assert.deepEqual(p1, d.spof.slice(0, 20).map((x) => x.uscc), 'page 1 in the API\'s order (value at risk)');
  await page.locator(tid('spof-pager-next')).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="spof-pager-page"]').textContent.includes('21'));
  assert.deepEqual(await ids(), d.spof.slice(20, 40).map((x) => x.uscc), 'page 2 goes on');

  // A header click sorts all of them (not only the page) and starts at page 1.
  await page.locator(tid('spof-table') + ' ' + tid('sort-dominated')).click();
  await page.locator(tid('spof-table') + ' th[aria-sort="descending"] ' + tid('sort-dominated')).waitFor();
  assert.match(await info.innerText(), /^第 1–20 条/);
  // The column of the header clicked (the supplier, its downstream loss, then the dominated count).
  const col = await page.locator(tid('spof-table') + ' thead th').evaluateAll((ths) => ths.findIndex((th) => th.querySelector('[data-testid="sort-dominated"]')) + 1);
  const dom = await page.locator(tid('spof-table') + ` tbody tr td:nth-child(${col})`).allInnerTexts().then((xs) => xs.map(num));
  assert.equal(dom[0], Math.max(...d.spof.map((x) => x.dominated)), 'the most dominating first, of all pages');
  assert.ok(monotonic(dom, 'desc'), dom.join());
  await page.locator(tid('spof-table') + ' ' + tid('sort-dominated')).click();
  await page.locator(tid('spof-table') + ' th[aria-sort="ascending"] ' + tid('sort-dominated')).waitFor();
  assert.ok(monotonic(await page.locator(tid('spof-table') + ` tbody tr td:nth-child(${col})`).allInnerTexts().then((xs) => xs.map(num)), 'asc'));

  // The filter by region: the rows, the pager and the count follow it.
  const region = d.spof.map((x) => x.region_name).find((r) => r && r.startsWith('四川省成都市')) || d.spof[0].region_name;
  const place = region.startsWith('四川省成都市') ? '成都市' : region;
  const want = d.spof.filter((x) => [x.name, x.uscc, x.region_name, x.region].filter(Boolean).join(' ').toLowerCase().includes(place.toLowerCase()));
  await page.locator(tid('spof-filter')).fill(place);
  await page.locator(tid('spof-filter-count')).filter({ hasText: String(want.length) }).waitFor();
  assert.equal(await page.locator(tid('spof-filter-count')).innerText(), `筛选出 ${new Intl.NumberFormat('zh-CN').format(want.length)} 条，共 ${new Intl.NumberFormat('zh-CN').format(d.spof_count)} 条`);
  assert.equal(await rows.count(), Math.min(20, want.length));
  for (const txt of await rows.allInnerTexts()) assert.ok(txt.includes(place), `a row of ${place}: ${txt}`);
  if (want.length > 20) assert.match(await info.innerText(), new RegExp(`共 ${new Intl.NumberFormat('zh-CN').format(want.length)} 条`));
  // By name: one supplier, found by a fragment of its name.
  const one = d.spof.find((x) => x.name && x.name.length > 6);
  await page.locator(tid('spof-filter')).fill(one.name.slice(2, 6));
  await page.locator(`${tid('spof-row')}[data-uscc="${one.uscc}"]`).waitFor();
  for (const txt of await rows.allInnerTexts()) assert.ok(txt.includes(one.name.slice(2, 6)), txt);
  // Nothing matches: the empty line, no pager.
  await page.locator(tid('spof-filter')).fill('没有这样的企业名称');
  await page.locator(tid('spof-table') + ' td.empty').waitFor();
  assert.equal(await page.locator(tid('spof-pager-page')).count(), 0);
  await page.locator(tid('spof-filter')).fill('');
  await rows.nth(19).waitFor();
  await screenshot(page, 'table-risk-spof');
});

test('the risk overview tables page and filter too', async () => {
  await page.goto(srv.base + '/#/risk');
  const chains = page.locator(tid('risk-chain-table') + ' tbody ' + tid('risk-chain-row'));
  await chains.first().waitFor();
  assert.equal(await chains.count(), 20, 'the 33 chains, twenty a page');
  await page.locator(tid('risk-chain-filter')).fill('汽车');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="risk-chain-table"] tbody [data-testid="risk-chain-row"]').length < 20);
  for (const txt of await chains.allInnerTexts()) assert.ok(txt.includes('汽车'), txt);
  const single = await (await page.request.get(srv.base + '/api/v1/risk/single-sourced?limit=500')).json();
  if (single.items.length > 10) {
    assert.equal(await page.locator(tid('single-table') + ' tbody ' + tid('single-row')).count(), 10, 'single-sourced inputs, ten a page');
    await page.locator(tid('single-pager-next')).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="single-pager-page"]').textContent.includes('11'));
  }
});

// The postings search sorts on the server by a header click (every page of the search).
test('the postings sort by a header click, page 2 going on in that order', async () => {
  await page.goto(srv.base + '/#/match');
  const rows = page.locator(tid('postings-table') + ' tbody ' + tid('posting-row'));
  await rows.first().waitFor();
  await page.locator(tid('postings-table') + ' ' + tid('sort-quantity')).click();
  await page.waitForFunction(() => location.hash.includes('sort=quantity') && location.hash.includes('order=desc'));
  await page.locator(tid('postings-table') + ' th[aria-sort="descending"] ' + tid('sort-quantity')).waitFor();
  const qty = () => page.locator(tid('postings-table') + ' tbody tr td:nth-child(5)').allInnerTexts().then((xs) => xs.map(num));
  await page.waitForFunction(() => {
    const xs = [...document.querySelectorAll('[data-testid="postings-table"] tbody tr td:nth-child(5)')].map((td) => parseFloat(td.textContent.replace(/[^\d.]/g, '')));
    return xs.length > 1 && xs.every((v, i) => i === 0 || !(v > xs[i - 1]));
  });
  const p1 = known(await qty());
  assert.ok(p1.length > 5 && monotonic(p1, 'desc'), p1.join());
  const api = await (await page.request.get(srv.base + '/api/v1/postings?sort=quantity&order=desc&limit=50')).json();
  assert.equal(await rows.first().getAttribute('data-id'), String(api.items[0].id), 'the server\'s order');
  if (api.next_cursor) {
    await page.locator(tid('postings-next')).click();
    await page.waitForFunction(() => location.hash.includes('page=2'));
    await page.locator(tid('postings-table') + ' th[aria-sort="descending"] ' + tid('sort-quantity')).waitFor();
    const p2 = known(await qty());
    assert.ok(p2.length && p2[0] <= p1.at(-1) && monotonic(p2, 'desc'), 'page 2 goes on: ' + p2.join());
  }
});

// A chain's investment targets, grouped by node, sort over all nodes by a header click (the
// groups give way and each target names its node).
test('the targets sort by score across nodes', async () => {
  await page.goto(srv.base + '/#/chain/nev');
  const rows = page.locator(tid('targets-table') + ' tbody ' + tid('target-row'));
  await rows.first().waitFor();
  const n = await rows.count();
  assert.ok(await page.locator(tid('targets-table') + ' tr.group-row').count() > 0, 'grouped by node at first');
  await page.locator(tid('targets-table') + ' ' + tid('sort-score')).click();
  await page.locator(tid('targets-table') + ' th[aria-sort="descending"] ' + tid('sort-score')).waitFor();
  assert.equal(await page.locator(tid('targets-table') + ' tr.group-row').count(), 0, 'no group rows once sorted');
  assert.equal(await rows.count(), n, 'every target still there');
  const scores = (await rows.locator('td:nth-child(5)').allInnerTexts()).map(num);
  assert.ok(monotonic(known(scores), 'desc'), scores.join());
  assert.equal(await rows.locator(tid('target-node')).count(), n, 'each names its node');
});
