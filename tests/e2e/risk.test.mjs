// Resilience in a browser: the overview draws outside dependence by chain and lists the
// riskiest suppliers; a chain's single points of failure; a supplier's network graph and its
// time-to-survive against a time-to-recover; the what-if form (a region-wide disruption, and a
// clear error for an unknown region). (A chief's restriction to own chains: tests/api.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, screenshot, chartDrawn } from './helpers.mjs';

let srv, browser, page;
const tid = (id) => `[data-testid="${id}"]`;

before(async () => {
  srv = await startServer({ enterprises: 1500 });
  browser = await launchBrowser();
  page = await newPage(browser);
  await login(page, srv.base, srv.users.analyst);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('the overview draws outside dependence and lists the riskiest suppliers', async () => {
  await page.goto(srv.base + '/#/risk');
  const d = await chartDrawn(page, tid('risk-outside-chart'));
  assert.equal(d.series, 2);
  const rows = page.locator(tid('risk-chain-row'));
  assert.equal(await rows.count(), 20, 'one row per chain, twenty a page');
  assert.match(await page.locator(tid('risk-chain-pager-page')).innerText(), /共 33 条/, 'of the 33 chains');
  assert.ok(await page.locator(tid('riskiest-row')).count() > 0, 'riskiest suppliers listed');
  assert.ok(await page.locator(tid('single-row')).count() > 0, 'single-sourced inputs listed');
  await screenshot(page, 'risk-overview');
  // A chain row opens that chain's single points of failure.
  const chain = await rows.first().getAttribute('data-chain');
  await rows.first().locator('td').first().click();
  await page.waitForFunction((c) => location.hash.includes('tab=chain') && location.hash.includes('chain=' + c), chain);
  await chartDrawn(page, tid('risk-node-chart'));
  assert.match(await page.locator(tid('risk-chain-summary')).innerText(), /\d/);
  assert.ok(await page.locator(tid('spof-row')).count() > 0, 'dominators listed');
  await screenshot(page, 'risk-chain');
});

test('a supplier: network graph and time-to-survive', async () => {
  await page.goto(srv.base + '/#/risk');
  const link = page.locator(tid('riskiest-row') + ' ' + tid('supplier-link')).first();
  const uscc = await link.getAttribute('data-uscc');
  await link.click();
  await page.waitForFunction((u) => location.hash.includes('uscc=' + u), uscc);
  await chartDrawn(page, tid('risk-graph'));
  const n = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid="risk-graph"]')).getOption().series[0].data.length);
  assert.ok(n > 1, 'the supplier and its neighbours');
  await page.locator(tid('tts-summary')).waitFor();
  assert.match(await page.locator(tid('tts-summary')).innerText(), /恢复时间 4 周/);
  // The riskiest supplier's own time-to-survive is finite (issue 14: it said 无限期, loss 0).
  assert.doesNotMatch(await page.locator(tid('tts-summary')).innerText(), /无限期/);
  assert.match(await page.locator(tid('tts-summary')).innerText(), /完全满足 [\d.,]+ 周/);
  if (await page.locator(tid('tts-row')).count()) await chartDrawn(page, tid('tts-chart'));
  await screenshot(page, 'risk-supplier');
  // A shorter time to recover can only leave fewer nodes at risk.
  const atRisk4 = await page.locator(tid('tts-row') + '[data-risk="1"]').count();
  await page.locator(tid('risk-ttr')).fill('1');
  await page.locator(tid('supplier-go')).click();
  await page.waitForFunction(() => /恢复时间 1 周/.test(document.querySelector('[data-testid="tts-summary"]')?.textContent || ''));
  assert.ok(await page.locator(tid('tts-row') + '[data-risk="1"]').count() <= atRisk4);
});

test('what-if: a region-wide disruption, and an unknown region explained', async () => {
  await page.goto(srv.base + '/#/risk?tab=whatif');
  await page.locator(tid('whatif-regions')).fill('999999');
  await page.locator(tid('whatif-run')).click();
  await page.locator(tid('whatif-status') + '.status-error').waitFor();
  assert.match(await page.locator(tid('whatif-status')).innerText(), /999999/);
  // The code typed became a chip (web/pickers.js); its × removes it.
  await page.locator(tid('whatif-regions-chip') + '[data-value="999999"] button').click();
  await page.locator(tid('whatif-regions')).fill('51');
  await page.locator(tid('whatif-run')).click();
  await chartDrawn(page, tid('whatif-tiers'));
  await chartDrawn(page, tid('whatif-chains'));
  const removed = Number((await page.locator(tid('wi-removed') + ' .stat-value').innerText()).replace(/\D/g, ''));
  const affected = Number((await page.locator(tid('wi-affected') + ' .stat-value').innerText()).replace(/\D/g, ''));
  assert.ok(removed > 0 && affected >= removed, `removed ${removed}, affected ${affected}`);
  assert.ok(await page.locator(tid('whatif-ent-row')).count() > 0);
  await screenshot(page, 'risk-whatif');
  assert.deepEqual(page.errors, []);
});
