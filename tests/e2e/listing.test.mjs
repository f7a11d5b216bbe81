// The listing service page in a browser (issue 17 item 5): the analyst's funnel by stage drawn
// from the demo's reserve (bars adding up to the reserve; the same chart under the reserve list
// on the lists page), the stalled firms opened as 一企一策 cases; an investor lands on the page,
// sees only the consenting firms and registers interest; an enterprise grants and withdraws its
// own consent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, screenshot, chartDrawn } from './helpers.mjs';

let srv, browser;
const tid = (id) => `[data-testid="${id}"]`;
const INVESTOR = { username: 'inv1', password: 'Inv-pass-1', role: 'investor' };

before(async () => {
  srv = await startServer({ enterprises: 1500 });
  browser = await launchBrowser();
  const insts = JSON.parse(await srv.cli(['--format', 'json', 'listing', 'institutions'])).items;
  const sec = insts.find((i) => i.kind === 'securities');
  await srv.cli(['user', 'add', INVESTOR.username, '--role', 'investor', '--password', INVESTOR.password, '--institution', String(sec.id)]);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('the analyst sees the funnel and opens the stalled cases', async () => {
  const page = await newPage(browser);
  await login(page, srv.base, srv.users.analyst);
  await page.goto(srv.base + '/#/listing');
  await chartDrawn(page, tid('listing-funnel'));
  const bars = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid="listing-funnel"]')).getOption().series[0].data);
  const reserve = JSON.parse(await srv.cli(['--format', 'json', 'listing', 'reserve'])).items;
  assert.equal(bars.reduce((a, b) => a + b, 0), reserve.length, 'the bars add up to the reserve');
  assert.equal(await page.locator(tid('listing-row')).count(), reserve.length, 'a row per reserve firm');
  assert.match(await page.locator(tid('listing-total')).innerText(), new RegExp(String(reserve.length)));
  const stalled = page.locator(tid('listing-stalled-row'));
  const n = await stalled.count();
  assert.ok(n > 0, 'the demo has stalled firms');
  await screenshot(page, 'listing-funnel');
  await page.locator(tid('listing-open-cases')).click();
  await page.locator(tid('listing-stalled-status')).waitFor();
  assert.match(await page.locator(tid('listing-stalled-status')).innerText(), new RegExp('新建 ' + n + ' 个问题'));
  assert.equal(await page.locator(tid('listing-case')).count(), n, 'each stalled firm has its case');
  // Again: nothing new.
  await page.locator(tid('listing-open-cases')).click();
  await page.waitForFunction(() => /新建 0 个问题/.test(document.querySelector('[data-testid="listing-stalled-status"]').innerText));
  // The analyst records a stage reached: the row moves to 注册 with its date.
  const target = reserve.find((x) => !x.stage);
  await page.selectOption(tid('progress-firm'), target.uscc);
  await page.selectOption(tid('progress-stage'), 'registered');
  await page.locator(tid('progress-date')).fill('2026-03-15');
  await page.selectOption(tid('progress-board'), 'star');
  await page.locator(tid('progress-save')).click();
  const row = page.locator(tid('listing-row') + `[data-uscc="${target.uscc}"][data-stage="registered"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /注册[\s\S]*2026-03-15[\s\S]*科创板/);
  // The lists page shows the same funnel under the reserve list.
  const lists = JSON.parse(await srv.cli(['--format', 'json', 'list']));
  const reserveList = lists.find((l) => l.model === 'listing_reserve');
  await page.goto(srv.base + '/#/lists?list=' + encodeURIComponent(reserveList.list));
  await page.locator(tid('lists-listing-funnel')).waitFor();
  await chartDrawn(page, tid('lists-listing-funnel') + ' ' + tid('listing-funnel'));
  const bars2 = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid="lists-listing-funnel"] [data-testid="listing-funnel"]')).getOption().series[0].data);
  const now = JSON.parse(await srv.cli(['--format', 'json', 'listing', 'funnel'])).by_stage.map((x) => x.count);
  assert.deepEqual(bars2, now, 'the funnel on the lists page (after the move above)');
  assert.equal(now[0], bars[0] - 1, 'one firm fewer not started');
  // Below it, the funnel over the last 24 months: a stacked series per stage whose columns add
  // up to the reserve, today's column being the funnel above; Chinese stage names, then English.
  const hsel = tid('lists-listing-funnel') + ' ' + tid('listing-funnel-history');
  const drawn = await chartDrawn(page, hsel);
  assert.equal(drawn.series, 8, 'none, six stages and withdrawn');
  const hist = await page.evaluate((sel) => {
    const o = window.echarts.getInstanceByDom(document.querySelector(sel)).getOption();
    return { months: o.xAxis[0].data, names: o.series.map((x) => x.name), data: o.series.map((x) => x.data), stack: o.series.map((x) => x.stack) };
  }, hsel);
  assert.equal(hist.months.length, 24);
  assert.ok(hist.stack.every((x) => x === 'reserve'), 'stacked');
  assert.deepEqual(hist.names.slice(0, 2), ['未启动', '股改'], 'stage names in Chinese');
  for (let k = 0; k < 24; k++) assert.equal(hist.data.reduce((a, d) => a + d[k], 0), reserve.length, 'month ' + hist.months[k] + ' adds up to the reserve');
  assert.deepEqual(hist.data.map((d) => d[23]), now, 'the last month-end (today) is the funnel now');
  assert.ok(hist.data[0][0] > hist.data[0][23], 'fewer firms not started now than 24 months ago (the demo has a history)');
  await screenshot(page, 'listing-funnel-history');
  await page.close();
});

test('an investor sees the consenting firms only and registers interest', async () => {
  const page = await newPage(browser);
  await login(page, srv.base, INVESTOR);
  await page.waitForFunction(() => location.hash.startsWith('#/listing'));
  await page.locator(tid('listing-investor-hint')).waitFor();
  const all = JSON.parse(await srv.cli(['--format', 'json', 'listing', 'reserve'])).items;
  const consenting = all.filter((x) => x.consent).map((x) => x.uscc).sort();
  const rows = page.locator(tid('listing-row'));
  const shown = (await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.uscc))).sort();
  assert.deepEqual(shown, consenting, 'exactly the consenting firms');
  assert.ok(consenting.length < all.length, 'some firms did not consent');
  assert.equal(await page.locator(tid('listing-funnel')).count(), 0, 'no funnel for an investor');
  const first = rows.first();
  const uscc = await first.getAttribute('data-uscc');
  await first.locator(tid('listing-interest')).click();
  await page.locator(tid('listing-status')).waitFor();
  const rec = JSON.parse(await srv.cli(['--format', 'json', 'listing', 'show', uscc]));
  assert.ok(rec.engagements.some((g) => g.kind === 'interest' && g.institution_name.startsWith('西南证券')), 'the interest is on record');
  await screenshot(page, 'listing-investor');
  // Staff pages stay closed to an investor.
  await page.goto(srv.base + '/#/enterprises');
  await page.locator(tid('page-error')).waitFor();
  await page.close();
});

test('an enterprise grants and withdraws its consent', async () => {
  const page = await newPage(browser);
  await login(page, srv.base, srv.users.enterprise);
  await page.goto(srv.base + '/#/listing');
  const line = page.locator(tid('listing-consent'));
  await line.waitFor();
  const before = await line.getAttribute('data-granted');
  await page.locator(tid('listing-consent-toggle')).click();
  await page.waitForFunction((b) => document.querySelector('[data-testid="listing-consent"]').dataset.granted !== b, before);
  await page.locator(tid('listing-consent-toggle')).click();
  await page.waitForFunction((b) => document.querySelector('[data-testid="listing-consent"]').dataset.granted === b, before);
  await page.close();
});

test('the admin creates an investor account bound to an institution', async () => {
  const page = await newPage(browser);
  await login(page, srv.base, srv.users.admin);
  await page.goto(srv.base + '/#/admin');
  await page.locator(tid('user-username')).fill('inv2');
  await page.locator(tid('user-password')).fill('Inv-pass-2x');
  await page.locator(tid('user-role')).selectOption('investor');
  await page.locator(tid('user-institution')).waitFor({ state: 'visible' });
  await page.locator(tid('user-institution')).selectOption({ index: 1 });
  await page.locator(tid('user-submit')).click();
  await page.locator(tid('user-status') + '.status-ok').waitFor();
  await page.close();
  const inv = await newPage(browser);
  await login(inv, srv.base, { username: 'inv2', password: 'Inv-pass-2x' });
  await inv.waitForFunction(() => location.hash.startsWith('#/listing'));
  await inv.locator(tid('listing-investor-hint')).waitFor();
  await inv.close();
});
