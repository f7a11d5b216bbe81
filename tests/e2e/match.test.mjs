// Supply–demand in a browser: an analyst posts on an enterprise's behalf; the enterprise user
// gets a field-named error for a bad quantity, then posts a demand and sees the analyst's
// supply ranked first with its explanation and contribution chart, and marks it contacted; an
// agreement it marks is only proposed until the supplier's own account confirms it; an
// analyst's keyword subscription receives a new posting in the inbox; the statistics draw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, screenshot, chartDrawn } from './helpers.mjs';

let srv, browser, ana, ent;
const tid = (id) => `[data-testid="${id}"]`;

before(async () => {
  srv = await startServer({ enterprises: 600 });
  browser = await launchBrowser();
  ana = await newPage(browser);
  ent = await newPage(browser);
  await login(ana, srv.base, srv.users.analyst);
  await login(ent, srv.base, srv.users.enterprise);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function openForm(page) {
  await page.goto(srv.base + '/#/match');
  await page.locator(tid('posting-new')).click();
  await page.locator(tid('posting-form')).waitFor();
}

test('an analyst posts a supply on an enterprise\'s behalf', async () => {
  await openForm(ana);
  await ana.locator(tid('pf-kind')).selectOption('supply');
  await ana.locator(tid('pf-uscc')).fill(srv.otherUscc);
  await ana.locator(tid('pf-title')).fill('供应车规级MCU芯片');
  await ana.locator(tid('pf-node')).fill('ic.mcu_soc');
  await ana.locator(tid('pf-quantity')).fill('1000');
  await ana.locator(tid('pf-unit')).fill('片');
  await ana.locator(tid('pf-contact')).fill('李经理 13900000000');
  await ana.locator(tid('pf-submit')).click();
  await ana.waitForFunction(() => /id=\d+/.test(location.hash));
  const d = ana.locator(tid('posting-detail'));
  await d.waitFor();
  assert.match(await d.innerText(), /供应车规级MCU芯片/);
  assert.match(await d.innerText(), /李经理/, 'staff see the contact');
  assert.equal(await ana.locator(tid('posting-status')).first().getAttribute('data-status'), 'open');
});

test('the enterprise gets a field error, posts a demand and sees explained matches', async () => {
  await openForm(ent);
  assert.equal(await ent.locator(tid('pf-uscc')).count(), 0, 'an enterprise posts only for itself');
  await ent.locator(tid('pf-title')).fill('采购车规级MCU');
  await ent.locator(tid('pf-quantity')).fill('abc');
  await ent.locator(tid('pf-submit')).click();
  await ent.locator(tid('posting-status-box') + '.status-error').waitFor();
  assert.match(await ent.locator(tid('posting-status-box')).innerText(), /数量/);
  assert.equal(await ent.locator('[data-field="quantity"].invalid').count(), 1, 'the quantity field is marked');
  await ent.locator(tid('pf-quantity')).fill('1000');
  await ent.locator(tid('pf-unit')).fill('片');
  await ent.locator(tid('pf-node')).fill('ic.mcu_soc');
  await ent.locator(tid('pf-submit')).click();
  await ent.waitForFunction(() => /id=\d+/.test(location.hash));
  const rows = ent.locator(tid('matches-table') + ' ' + tid('match-row'));
  await rows.first().waitFor();
  const first = rows.first();
  assert.equal(await first.getAttribute('data-type'), 'posting');
  assert.match(await first.innerText(), /供应车规级MCU芯片/, 'the same words on the same node rank first');
  const c = await chartDrawn(ent, tid('match-chart'));
  assert.equal(c.series, 7, 'one stacked series per score component');
  await first.locator(tid('match-why') + ' summary').click();
  const parts = first.locator(tid('explanation') + ' tr');
  assert.equal(await parts.count(), 7);
  assert.match(await first.locator(tid('explanation')).innerText(), /车规级mcu/i);
  assert.ok(!/李经理/.test(await ent.locator('body').innerText()), 'another enterprise\'s contact stays hidden');
  await first.locator(tid('deal-contacted')).click();
  await ent.locator(tid('deal-status') + '.status-ok').waitFor();
  await screenshot(ent, 'match-results');
  await ent.goto(srv.base + '/#/match?tab=inbox');
  await ent.locator(tid('deals-table') + ' ' + tid('deal-row')).first().waitFor();
  assert.equal(await ent.locator(tid('deal-row')).first().getAttribute('data-status'), 'contacted');
  assert.deepEqual(ent.errors, []);
});

test('an agreement is proposed until the other side confirms it', async () => {
  // The enterprise marks the analyst's supply agreed at 350 万元 from its demand's matches.
  await ent.goto(srv.base + '/#/match?mine=1');
  await ent.locator(tid('posting-row')).first().waitFor();
  await ent.locator(tid('posting-row'), { hasText: '采购车规级MCU' }).first().click();
  const first = ent.locator(tid('matches-table') + ' ' + tid('match-row')).first();
  await first.waitFor();
  ent.once('dialog', (d) => d.accept('350'));
  await first.locator(tid('deal-agreed')).click();
  await ent.locator(tid('deal-status') + '.status-ok').waitFor();
  assert.match(await ent.locator(tid('deal-status')).innerText(), /待对方确认/);
  await ent.goto(srv.base + '/#/match?tab=inbox');
  const mine = ent.locator(tid('deal-row')).first();
  await mine.waitFor();
  assert.equal(await mine.getAttribute('data-status'), 'proposed', 'one side\'s agreement is a proposal');
  assert.equal(await mine.locator(tid('deal-confirm')).count(), 0, 'the proposer cannot confirm for the other side');
  // The supplier's own account confirms it; then it is agreed.
  await srv.cli(['user', 'add', 'ent2', '--role', 'enterprise', '--password', 'Ent-pass-2', '--uscc', srv.otherUscc]);
  const ent2 = await newPage(browser);
  await login(ent2, srv.base, { username: 'ent2', password: 'Ent-pass-2' });
  await ent2.goto(srv.base + '/#/match?tab=inbox');
  const theirs = ent2.locator(tid('deal-row')).first();
  await theirs.waitFor();
  assert.equal(await theirs.getAttribute('data-status'), 'proposed');
  await theirs.locator(tid('deal-confirm')).click();
  await ent2.waitForFunction(() => document.querySelector('[data-testid="deal-row"]')?.dataset.status === 'agreed');
  assert.equal(await theirs.locator(tid('deal-confirm')).count(), 0);
  await screenshot(ent2, 'match-deal-confirmed');
  await ent.reload();
  await ent.locator(tid('deal-row') + '[data-status="agreed"]').first().waitFor();
  assert.deepEqual(ent.errors, []);
  assert.deepEqual(ent2.errors, []);
  await ent2.close();
});

test('a subscription delivers a new posting to the inbox', async () => {
  await ana.goto(srv.base + '/#/match?tab=inbox');
  await ana.locator(tid('follow-what')).selectOption('keyword');
  await ana.locator(tid('follow-value')).fill('伺服电机');
  await ana.locator(tid('follow-submit')).click();
  await ana.locator(tid('subscription')).first().waitFor();
  assert.match(await ana.locator(tid('subscriptions')).innerText(), /伺服电机/);
  // The enterprise posts; the analyst's inbox has it.
  await openForm(ent);
  await ent.locator(tid('pf-title')).fill('采购伺服电机');
  await ent.locator(tid('pf-submit')).click();
  await ent.waitForFunction(() => /id=\d+/.test(location.hash));
  await ana.reload();
  const item = ana.locator(tid('inbox-item')).first();
  await item.waitFor();
  assert.match(await item.innerText(), /采购伺服电机/);
  assert.match(await ana.locator(tid('inbox-unread')).innerText(), /1/);
  await ana.locator(tid('inbox-read-all')).click();
  await ana.waitForFunction(() => !document.querySelector('[data-testid="inbox-read-all"]'));
  await screenshot(ana, 'match-inbox');
  assert.deepEqual(ana.errors, []);
});

test('searching by 2 and 3+ characters; the statistics draw', async () => {
  await ana.goto(srv.base + '/#/match?q=' + encodeURIComponent('车规'));
  await ana.locator(tid('posting-row')).first().waitFor();
  assert.match(await ana.locator(tid('postings-total')).innerText(), /逐条/);
  await ana.goto(srv.base + '/#/match?q=' + encodeURIComponent('车规级MCU'));
  await ana.waitForFunction(() => /全文/.test(document.querySelector('[data-testid="postings-total"]')?.textContent || ''));
  assert.ok(await ana.locator(tid('posting-row')).count() >= 2);
  await ana.goto(srv.base + '/#/match?tab=stats');
  await chartDrawn(ana, tid('stats-chain'));
  await chartDrawn(ana, tid('stats-direction'));
  await chartDrawn(ana, tid('stats-month'));
  assert.ok(Number((await ana.locator(tid('st-deals') + ' .stat-value').innerText()).replace(/\D/g, '')) >= 1);
  await screenshot(ana, 'match-stats');
  // An enterprise user has no statistics tab.
  await ent.goto(srv.base + '/#/match');
  await ent.locator(tid('tab-board')).waitFor();
  assert.equal(await ent.locator(tid('tab-stats')).count(), 0);
  assert.deepEqual(ana.errors, []);
});
