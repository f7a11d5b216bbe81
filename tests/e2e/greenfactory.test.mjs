// 绿色工厂自评价 in a browser (GB/T 36132-2018, issue 16 item 3): an enterprise user fills its
// own self-assessment on its profile — first (over the demo's, if it had one) with a basic requirement partly met (not eligible
// however high the score), then with it met — and the verdict, indicator scores and gaps shown
// are the server's; the 绿色低碳 page's roll-up by district and chain counts it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openAnalyst, closeAnalyst, screenshot, newPage, login } from './helpers.mjs';

let ctx, page;
const tid = (id) => `[data-testid="${id}"]`;

before(async () => {
  ctx = await openAnalyst({ enterprises: 600 });
  page = ctx.page;
});

after(async () => { if (ctx) await closeAnalyst(ctx); });

test('an enterprise fills its green-factory self-assessment; the green page rolls it up', async () => {
  const p = await newPage(ctx.browser);
  await login(p, ctx.srv.base, ctx.srv.users.enterprise);
  const uscc = ctx.srv.users.enterprise.uscc;
  const model = await (await p.request.get(ctx.srv.base + '/api/v1/green/factory/model')).json();
  // The year the demo assessed (the latest annual year), which the page's roll-up shows.
  const before = await (await page.request.get(ctx.srv.base + '/api/v1/green/factory/summary')).json();
  assert.ok(before.totals.assessed > 0, 'the demo has green-factory self-assessments');
  const year = before.year;
  await p.goto(ctx.srv.base + '/#/enterprise/' + uscc);
  await p.locator(tid('gf-fill')).click();
  await p.locator(tid('gf-year')).fill(String(year));
  // Every requirement met but one basic requirement partly.
  for (const q of model.requirements) await p.locator(tid('gf-q-' + q.id)).selectOption(q.id === 'b_compliance' ? '0.5' : '1');
  await p.locator(tid('gf-save')).click();
  await p.locator(tid('gf-saved')).waitFor();
  let res = p.locator(tid('gf-result'));
  assert.equal(await res.getAttribute('data-eligible'), 'false', 'a basic requirement partly met: not eligible');
  assert.equal(await res.getAttribute('data-score'), '100.000', 'although every scored requirement is met');
  assert.match(await res.innerText(), /一票否决/);
  assert.deepEqual(await p.locator(tid('gf-gaps') + ' li').evaluateAll((els) => els.map((e) => e.dataset.kind)), ['basic']);
  assert.equal(await p.locator(tid('gf-indicators') + ' tbody tr').count(), model.indicators.length);
  // Met now, two optional performance requirements not: eligible at 100 - 30 × 2/5 = 88.
  await p.locator(tid('gf-fill')).click();
  await p.locator(tid('gf-q-b_compliance')).selectOption('1');
  await p.locator(tid('gf-q-f_land')).selectOption('0');
  await p.locator(tid('gf-q-f_clean')).selectOption('0');
  // The first save's message is still there: wait for the second PUT's answer instead.
  const put = p.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/green-factory/' + year));
  await p.locator(tid('gf-save')).click();
  assert.equal((await put).status(), 200);
  await p.locator(tid('gf-result') + '[data-eligible="true"]').waitFor();
  res = p.locator(tid('gf-result'));
  assert.equal(await res.getAttribute('data-eligible'), 'true');
  assert.equal(await res.getAttribute('data-score'), '88.000');
  const d = await (await p.request.get(ctx.srv.base + '/api/v1/enterprises/' + uscc + '/green-factory')).json();
  const y = d.assessments.find((a) => a.year === year);
  assert.ok(y.eligible && Math.abs(y.score - 88) < 1e-9, 'the server scored it so');
  assert.deepEqual(y.gaps.map((g) => g.id), ['f_land', 'f_clean']);
  // Another enterprise's assessments it may neither read nor write.
  const other = await p.request.get(ctx.srv.base + '/api/v1/enterprises/' + ctx.srv.otherUscc + '/green-factory');
  assert.equal(other.status(), 403);
  await screenshot(p, 'profile-green-factory');
  await p.close();

  // The analyst's 绿色低碳 page: the roll-up has it, a row per district and chain.
  await page.goto(ctx.srv.base + '/#/green');
  await page.locator(tid('green-factory')).waitFor();
  const api = await (await page.request.get(ctx.srv.base + '/api/v1/green/factory/summary')).json();
  assert.equal(api.year, year);
  assert.ok(api.totals.eligible >= 1);
  const tot = page.locator(tid('gf-totals'));
  assert.equal(await tot.getAttribute('data-assessed'), String(api.totals.assessed));
  assert.equal(await tot.getAttribute('data-eligible'), String(api.totals.eligible));
  assert.equal(await page.locator(tid('gf-districts') + ' ' + tid('gf-row')).count(), api.districts.length);
  assert.equal(await page.locator(tid('gf-chains') + ' ' + tid('gf-row')).count(), api.chains.length);
  await screenshot(page, 'green-factory');
});
