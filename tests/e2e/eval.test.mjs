// Evaluation, lists and cases in a browser: a model run with its score breakdown and weights
// charts, the criteria section of a profile, a list made from a model, changed with a reason and
// diffed, and a case moved to in_progress with a comment and seen on the board.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, screenshot, chartDrawn } from './helpers.mjs';

let srv, browser, page;
const tid = (id) => `[data-testid="${id}"]`;
const routeExists = async (url) => (await page.request.get(srv.base + url)).status() !== 404;

before(async () => {
  srv = await startServer({ enterprises: 600 });
  browser = await launchBrowser();
  page = await newPage(browser);
  await login(page, srv.base, srv.users.analyst);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

let firstUscc;

test('a model run ranks enterprises and draws the breakdown and the weights', async () => {
  await page.goto(srv.base + '/#/eval');
  await page.locator(tid('model-select')).selectOption('listing_reserve');
  await page.locator(tid('model-run')).click();
  await page.waitForFunction(() => location.hash.includes('model=listing_reserve'));
  const rows = page.locator(tid('run-table') + ' tbody ' + tid('run-row'));
  await rows.first().waitFor();
  assert.ok(await rows.count() > 0, 'rows');
  firstUscc = await rows.first().getAttribute('data-uscc');
  assert.match(await page.locator(tid('run-summary')).innerText(), /\d/);
  const d = await chartDrawn(page, tid('breakdown-chart'));
  assert.ok(d.width > 0 && d.series === 1);
  await chartDrawn(page, tid('weights-chart'));
  // Another row redraws the breakdown for that enterprise.
  if (await rows.count() > 1) {
    const second = rows.nth(1);
    const name = await second.locator(tid('profile-link')).innerText();
    await second.locator('td').first().click();
    await page.waitForFunction((n) => document.querySelector('[data-testid="breakdown"] h2').textContent.includes(n), name);
    await chartDrawn(page, tid('breakdown-chart'));
  }
  const run = await (await page.request.get(srv.base + '/api/v1/models/listing_reserve/run?limit=1')).json();
  const bars = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid="breakdown-chart"]')).getOption().series[0].data.length);
  assert.equal(bars, run.items[0].indicators.length, 'one bar per indicator');
  await screenshot(page, 'eval-run');
});

test('a run says what it screened, evaluated and selected, and each tier its rule (issue 14)', async () => {
  await page.goto(srv.base + '/#/eval?model=leader');
  await page.locator(tid('run-table') + ' tbody ' + tid('run-row')).first().waitFor();
  const run = await (await page.request.get(srv.base + '/api/v1/models/leader/run?limit=500')).json();
  assert.ok(run.selected > 0 && run.selected < run.evaluated, `selected ${run.selected} of ${run.evaluated}`);
  const summary = await page.locator(tid('run-summary')).innerText();
  const n = (v) => new Intl.NumberFormat('zh-CN').format(v);
  assert.ok(summary.includes('入选 ' + n(run.selected) + ' 家') && summary.includes(n(run.evaluated)), summary);
  const rules = await page.locator(tid('tier-rule')).allInnerTexts();
  assert.deepEqual(rules.length, 2, rules.join());
  assert.match(rules[0], /每条产业链前 2 名/);
  assert.match(rules[1], /前 25%/);
  // A chain-master row ranked below a leader row names its place in its chain.
  const master = run.items.find((x, i) => x.tier === 'master' && run.items.slice(0, i).some((y) => y.tier === 'leader'));
  if (master) {
    const row = page.locator(`${tid('run-row')}[data-uscc="${master.uscc}"]`);
    if (await row.count()) assert.equal((await row.locator(tid("chain-rank")).innerText()).trim(), `链内第 ${master.chain_rank} 名`);
  }
  const firstMaster = page.locator(tid('run-row')).filter({ has: page.locator(tid('chain-rank')) }).first();
  assert.match(await firstMaster.locator(tid('chain-rank')).innerText(), /链内第 [12] 名/);
});

test('the ranking sorts by a header click over the whole run, pages and filters (issue 14)', async () => {
  await page.goto(srv.base + '/#/eval?model=leader');
  const rows = page.locator(tid('run-table') + ' tbody ' + tid('run-row'));
  await rows.first().waitFor();
  const all = (await (await page.request.get(srv.base + '/api/v1/models/leader/run?limit=20000&indicators=0')).json()).items;
  assert.ok(all.length > 50, 'more than a page: ' + all.length);
  assert.equal(await rows.count(), 50);
  assert.equal(await page.locator(tid('run-page')).innerText(), `第 1–50 条，共 ${new Intl.NumberFormat('zh-CN').format(all.length)} 条`);
  // Lowest score first: the last of the ranking, from every page.
  await page.locator(tid('run-table') + ' ' + tid('sort-score')).click();
  await page.locator(tid('run-table') + ' th[aria-sort="descending"] ' + tid('sort-score')).waitFor();
  await page.locator(tid('run-table') + ' ' + tid('sort-score')).click();
  await page.locator(tid('run-table') + ' th[aria-sort="ascending"] ' + tid('sort-score')).waitFor();
  const worst = all.slice().sort((a, b) => a.score - b.score)[0];
  assert.equal(await rows.first().getAttribute('data-uscc'), worst.uscc, 'the lowest score of the whole run first');
  // By tier: the chain-master candidates first, then the leaders.
  await page.locator(tid('run-table') + ' ' + tid('sort-tier')).click();
  const tiers = await rows.locator(tid('tier-badge')).evaluateAll((bs) => bs.map((b) => b.dataset.tier));
  assert.equal(tiers[0], 'master');
  // Page 2 of that order, then a filter by name.
  await page.locator(tid('run-next')).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="run-page"]').textContent.includes('51'));
  const one = all.find((x) => x.name && x.name.length > 6);
  await page.locator(tid('run-filter')).fill(one.name);
  await page.locator(`${tid('run-row')}[data-uscc="${one.uscc}"]`).waitFor();
  assert.equal(await rows.count(), all.filter((x) => x.name.includes(one.name)).length);
  // Its breakdown comes from the run at its position.
  await page.locator(`${tid('run-row')}[data-uscc="${one.uscc}"] td`).first().click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="breakdown"] h2').textContent.includes(n), one.name);
  await chartDrawn(page, tid('breakdown-chart'));
});

test('a profile lists the criteria sets with results, and a set opens to its clauses', async () => {
  await page.locator(tid('run-table') + ' ' + tid('profile-link')).first().click();
  const sets = page.locator(tid('profile-criteria') + ' ' + tid('criteria-set'));
  await sets.first().waitFor();
  assert.ok(await sets.count() >= 1);
  const results = await sets.evaluateAll((els) => els.map((e) => e.dataset.result));
  assert.ok(results.every((r) => ['pass', 'fail', 'unknown'].includes(r)), results.join());
  await sets.first().locator(tid('criteria-toggle')).click();
  const clauses = sets.first().locator(tid('criteria-clauses'));
  await clauses.waitFor();
  assert.ok(await clauses.locator(tid('criteria-clause')).count() >= 1, 'clauses shown');
  assert.match(await clauses.innerText(), /符合|不符合|缺数据/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'eval-profile-criteria');
});

test('a list made from a model, an entry removed with a reason, and the diff', async (t) => {
  if (!(await routeExists('/api/v1/lists'))) { t.skip('no lists route'); return; }
  await page.goto(srv.base + '/#/lists');
  await page.locator(tid('list-name')).fill('e2e-reserve');
  await page.locator(tid('list-model')).selectOption('listing_reserve');
  await page.locator(tid('list-note')).fill('e2e');
  await page.locator(tid('list-create')).click();
  const entries = page.locator(tid('entries-table') + ' ' + tid('entry-row'));
  await entries.first().waitFor();
  const n = await entries.count();
  const uscc = await entries.first().getAttribute('data-uscc');
  await entries.first().locator(tid('entry-remove')).click();
  // No reason: refused on the page, nothing sent.
  await page.locator(tid('change-submit')).click();
  await page.locator(tid('change-status') + '.status-error').waitFor();
  assert.match(await page.locator(tid('change-status')).innerText(), /理由/);
  await page.locator(tid('change-reason')).fill('e2e 移出理由');
  await page.locator(tid('change-submit')).click();
  await page.locator(tid('list-detail') + '[data-version="2"]').waitFor();
  assert.equal(await entries.count(), n - 1);
  const exited = page.locator(tid('diff-exited') + ' ' + tid('diff-row'));
  await exited.first().waitFor();
  assert.equal(await exited.first().getAttribute('data-uscc'), uscc);
  assert.match(await page.locator(tid('diff-exited')).innerText(), /e2e 移出理由/);
  assert.match(await page.locator(tid('list-export')).getAttribute('href'), /\/export\?version=2$/);
  await screenshot(page, 'eval-list-diff');
});

test('a case opened, moved to in_progress with a comment, and on the board', async (t) => {
  if (!(await routeExists('/api/v1/cases'))) { t.skip('no cases route'); return; }
  await page.goto(srv.base + '/#/cases');
  await page.locator(tid('case-new')).click();
  await page.locator(tid('case-uscc')).fill(firstUscc);
  await page.locator(tid('case-kind')).selectOption('finance');
  await page.locator(tid('case-title-in')).fill('e2e 融资需求');
  await page.locator(tid('case-department')).fill('市金融监管局');
  await page.locator(tid('case-owner')).fill('ana1');
  await page.locator(tid('case-deadline')).fill('2099-12-31');
  await page.locator(tid('case-submit')).click();
  const detail = page.locator(tid('case-detail'));
  await detail.waitFor();
  assert.equal(await detail.getAttribute('data-status'), 'open');
  await page.locator(tid('move-in_progress')).click();
  await page.locator(tid('move-confirm')).click();
  await page.locator(tid('case-status') + '.status-error').waitFor(); // a comment is required
  await page.locator(tid('move-comment')).fill('已对接银行');
  await page.locator(tid('move-confirm')).click();
  await page.locator(tid('case-detail') + '[data-status="in_progress"]').waitFor();
  assert.match(await page.locator(tid('case-comments')).innerText(), /已对接银行/);
  const card = page.locator(tid('board-col') + '[data-status="in_progress"] ' + tid('case-card'));
  await card.first().waitFor();
  assert.match(await card.first().innerText(), /e2e 融资需求/);
  await screenshot(page, 'eval-cases');
  assert.deepEqual(page.errors, [], 'no script errors');
});
