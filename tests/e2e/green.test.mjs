// 绿色低碳 in a browser (issue 16): the totals, intensity by district and chain, the industry
// quartiles as boxes, the trend, and the laggard list with its reasons (each row's reasons are
// the API's), in Chinese and in English; an enterprise account may not open the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openAnalyst, closeAnalyst, screenshot, chartDrawn, newPage, login } from './helpers.mjs';

let ctx, page;
const tid = (id) => `[data-testid="${id}"]`;

before(async () => {
  ctx = await openAnalyst({ enterprises: 800 });
  page = ctx.page;
});

after(async () => { if (ctx) await closeAnalyst(ctx); });

test('the green page draws its charts and lists laggards with reasons', async () => {
  await page.goto(ctx.srv.base + '/#/green');
  await page.locator(tid('green-totals')).waitFor();
  const api = await (await page.request.get(ctx.srv.base + '/api/v1/green/summary')).json();
  const firms = await page.locator(tid('green-total-firms') + ' .card-value').innerText();
  assert.equal(firms.replace(/[^0-9]/g, ''), String(api.totals.firms), 'firms card is the API total');
  await chartDrawn(page, tid('chart-green-district'));
  await chartDrawn(page, tid('chart-green-chain'));
  const box = await chartDrawn(page, tid('chart-green-quartiles'));
  assert.equal(box.series, 1);
  const boxes = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid="chart-green-quartiles"]')).getOption().series[0].data.length);
  assert.equal(boxes, api.divisions.length, 'one box per division');
  await chartDrawn(page, tid('chart-green-trend'));
  assert.equal(await page.locator(tid('recognition-row')).count(), api.recognitions.length, 'a row per kind and level');
  const lag = await (await page.request.get(ctx.srv.base + '/api/v1/green/laggards?limit=500')).json();
  assert.ok(lag.flagged > 0, 'the demo has laggards');
  const rows = page.locator(tid('green-laggard-table') + ' tbody ' + tid('laggard-row'));
  await rows.first().waitFor();
  const first = lag.items[0];
  assert.equal(await rows.first().getAttribute('data-uscc'), first.uscc, 'the worst comes first');
  const reasons = await rows.first().locator(tid('laggard-reasons') + ' li').allInnerTexts();
  assert.deepEqual(reasons, first.reasons.map((r) => r.reason_zh), 'the reasons are the API\'s, in Chinese');
  assert.match(await page.locator(tid('green-laggards-count')).innerText(), new RegExp(String(lag.flagged)));
  await screenshot(page, 'green');
});

test('a region narrows the page to its districts; English shows the English reasons', async () => {
  await page.goto(ctx.srv.base + '/#/green?region=50');
  await page.locator(tid('green-totals')).waitFor();
  await chartDrawn(page, tid('chart-green-district'));
  const labels = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid="chart-green-district"]')).getOption().yAxis[0].data);
  const api = await (await page.request.get(ctx.srv.base + '/api/v1/green/summary?region=50')).json();
  const names = new Set(api.districts.map((x) => x.name));
  assert.ok(labels.length > 0 && labels.every((l) => names.has(l)), 'only Chongqing\'s districts');
  const en = await newPage(ctx.browser, { lang: 'en' });
  await en.context().addInitScript(() => { try { localStorage.setItem('cc.lang', 'en'); } catch (_) { /* */ } });
  await login(en, ctx.srv.base, ctx.srv.users.analyst);
  await en.goto(ctx.srv.base + '/#/green');
  const row = en.locator(tid('green-laggard-table') + ' tbody ' + tid('laggard-row')).first();
  await row.waitFor();
  const lag = await (await en.request.get(ctx.srv.base + '/api/v1/green/laggards?limit=1')).json();
  const shown = await row.locator(tid('laggard-reasons') + ' li').allInnerTexts();
  assert.deepEqual(shown, lag.items[0].reasons.map((r) => r.reason_en));
  await en.close();
});

test('an enterprise account is not shown the page', async () => {
  const p = await newPage(ctx.browser);
  await login(p, ctx.srv.base, ctx.srv.users.enterprise);
  const r = await p.request.get(ctx.srv.base + '/api/v1/green/summary');
  assert.equal(r.status(), 403);
  assert.equal(await p.locator('a[href="#/green"]').count(), 0, 'no navigation entry');
  const own = await p.request.get(ctx.srv.base + '/api/v1/enterprises/' + ctx.srv.users.enterprise.uscc + '/green');
  assert.equal(own.status(), 200, 'its own account it reads');
  await p.close();
});

test('a profile draws its energy per output against its industry\'s quartiles', async () => {
  const acc = await (await page.request.get(ctx.srv.base + '/api/v1/green/laggards?limit=1')).json();
  const uscc = acc.items[0].uscc;
  await page.goto(ctx.srv.base + '/#/enterprise/' + uscc);
  const d = await chartDrawn(page, tid('profile-green-chart'));
  assert.equal(d.series, 4, 'the enterprise and three quartile lines');
  const g = await (await page.request.get(ctx.srv.base + '/api/v1/enterprises/' + uscc + '/green')).json();
  const last = g.years.filter((y) => y.energy_per_output != null).pop();
  assert.match(await page.locator(tid('profile-green-note')).innerText(), new RegExp(String(last.year)));
  await screenshot(page, 'profile-green');
});
