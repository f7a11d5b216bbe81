// 服务商匹配 on the 智能制造 page (issue 16, item 6): a planned project's need, opened from the
// retrofit register, shows the solution providers the matching engine ranked for it (the
// API's order) with each component's reason (capability, industry served, track record).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openAnalyst, closeAnalyst, screenshot } from './helpers.mjs';

let ctx, page;
const tid = (id) => `[data-testid="${id}"]`;

before(async () => {
  ctx = await openAnalyst({ enterprises: 1500 });
  page = ctx.page;
});

after(async () => { if (ctx) await closeAnalyst(ctx); });

test('a planned project shows its ranked providers with the explanation', async () => {
  await page.goto(ctx.srv.base + '/#/digital');
  await page.locator(tid('retrofit-table')).waitFor();
  const rl = await (await page.request.get(ctx.srv.base + '/api/v1/retrofits')).json();
  const proj = rl.items.find((x) => x.status === 'planned' && x.need_posting);
  assert.ok(proj, 'the demo posts the planned projects\' needs');
  const api = await (await page.request.get(ctx.srv.base + '/api/v1/retrofits/' + proj.id + '/providers?limit=20')).json();
  assert.ok(api.total > 0, 'the need has providers');
  await page.locator(tid('retrofit-filter')).fill(proj.uscc);
  const row = page.locator(tid('retrofit-row') + `[data-id="${proj.id}"]`);
  await row.locator(tid('retrofit-match')).click();
  const rows = page.locator(tid('provider-table') + ' tbody ' + tid('provider-row'));
  await rows.first().waitFor();
  assert.equal(await rows.count(), Math.min(20, api.items.length));
  for (let i = 0; i < Math.min(3, api.items.length); i++) {
    assert.equal(await rows.nth(i).getAttribute('data-uscc'), api.items[i].uscc, `row ${i + 1} is the API's`);
  }
  const parts = rows.first().locator(tid('provider-explanation') + ' tr');
  assert.equal(await parts.count(), api.items[0].explanation.length);
  for (const c of ['capability', 'industry', 'track_record', 'region_pref']) {
    assert.equal(await rows.first().locator(`tr[data-component="${c}"]`).count(), 1, c + ' is explained');
  }
  assert.match(await rows.first().locator('tr[data-component="capability"]').innerText(), /能力覆盖/);
  assert.match(await rows.first().locator('tr[data-component="track_record"]').innerText(), /已完成技改项目 \d+ 个/);
  assert.match(await page.locator(tid('providers-note')).innerText(), new RegExp(String(api.total)));
  await screenshot(page, 'digital-providers');
});
