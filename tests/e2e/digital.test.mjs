// 智能制造 in a browser (issue 16, item 4): the level distribution overall, by district and by
// chain (the API's counts), and an enterprise user filling its own self-assessment on its
// profile: the level and gaps shown are the ones the server scored.
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

test('the page draws the level distribution by district and chain', async () => {
  await page.goto(ctx.srv.base + '/#/digital');
  await page.locator(tid('digital-totals')).waitFor();
  const api = await (await page.request.get(ctx.srv.base + '/api/v1/digital/summary')).json();
  assert.ok(api.totals.assessed > 0, 'the demo has assessments');
  const shown = await page.locator(tid('digital-total-assessed') + ' .card-value').innerText();
  assert.equal(shown.replace(/[^0-9]/g, ''), String(api.totals.assessed));
  await chartDrawn(page, tid('chart-digital-levels'));
  const bars = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid="chart-digital-levels"]')).getOption().series[0].data);
  assert.deepEqual(bars, api.totals.levels, 'one bar per level, the API\'s counts');
  const d = await chartDrawn(page, tid('chart-digital-district'));
  assert.equal(d.series, 6, 'a stack per level 0-5');
  await chartDrawn(page, tid('chart-digital-chain'));
  assert.ok(await page.locator(tid('digital-chain-row')).count() > 0);
  // The retrofit register: the API's projects, newest first, and its totals.
  const rl = await (await page.request.get(ctx.srv.base + '/api/v1/retrofits')).json();
  assert.ok(rl.total > 0, 'the demo has retrofit projects');
  const first = page.locator(tid('retrofit-table') + ' tbody ' + tid('retrofit-row')).first();
  await first.waitFor();
  assert.equal(await first.getAttribute('data-id'), String(rl.items[0].id));
  const rs = await (await page.request.get(ctx.srv.base + '/api/v1/retrofits/summary')).json();
  assert.match(await page.locator(tid('retrofit-totals')).innerText(), new RegExp(String(rs.totals.projects)));
  await screenshot(page, 'digital');
});

test('an enterprise fills its own self-assessment on its profile', async () => {
  const p = await newPage(ctx.browser);
  await login(p, ctx.srv.base, ctx.srv.users.enterprise);
  const uscc = ctx.srv.users.enterprise.uscc;
  await p.goto(ctx.srv.base + '/#/enterprise/' + uscc);
  await p.locator(tid('digital-fill')).click();
  await p.locator(tid('digital-year')).fill('2024');
  for (const id of ['l1_plan', 'l1_process', 'l1_infra']) await p.locator(tid('digital-q-' + id)).selectOption('1');
  await p.locator(tid('digital-q-l2_equipment')).selectOption('0.5');
  await p.locator(tid('digital-rate-cnc_rate')).fill('45');
  await p.locator(tid('digital-save')).click();
  await p.locator(tid('digital-saved')).waitFor();
  const d = await (await p.request.get(ctx.srv.base + '/api/v1/enterprises/' + uscc + '/digital')).json();
  const y = d.assessments.find((a) => a.year === 2024);
  assert.equal(y.level, 1, 'level 1: level 2 scores 0.5 / 3');
  assert.equal(y.cnc_rate, 0.45);
  const latest = d.assessments[d.assessments.length - 1];
  assert.equal(await p.locator(tid('digital-level')).getAttribute('data-level'), String(latest.level));
  assert.equal(await p.locator(tid('digital-gaps') + ' li').count(), latest.gaps.length);
  // Another enterprise's assessment it may neither read nor write.
  const other = await p.request.get(ctx.srv.base + '/api/v1/enterprises/' + ctx.srv.otherUscc + '/digital');
  assert.equal(other.status(), 403);
  await screenshot(p, 'profile-digital');
  await p.close();
});
