// What the roles see: an enterprise user has its own profile only; an analyst has no admin page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, screenshot, chartDrawn } from './helpers.mjs';

let srv, browser;

before(async () => {
  srv = await startServer({ enterprises: 300, seed: 7 });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const tid = (id) => `[data-testid="${id}"]`;

test('an enterprise user lands on its own profile and cannot open another one', async () => {
  const page = await newPage(browser);
  await login(page, srv.base, srv.users.enterprise);
  await page.waitForFunction((u) => location.hash === '#/enterprise/' + u, srv.ownUscc);
  await page.locator(tid('profile-name')).waitFor();
  assert.equal((await page.locator(tid('profile-uscc')).innerText()).trim(), srv.ownUscc);
  await chartDrawn(page, tid('profile-chart'));
  assert.ok(await page.locator(tid('edit-form')).isVisible(), 'an enterprise may edit its own record');
  // Scale, listing and certificates are recorded by staff (PATCH answers 403): shown, locked.
  assert.ok(await page.locator(tid('edit-scale')).isDisabled(), 'an enterprise cannot set its scale');
  assert.ok(await page.locator(tid('edit-listed')).isDisabled(), 'nor its listing');
  assert.ok(await page.locator(tid('edit-cert-hightech')).isDisabled(), 'nor its certificates');
  assert.ok(await page.locator(tid('edit-official-hint')).isVisible());
  assert.ok(await page.locator(tid('edit-name')).isEnabled(), 'its name stays editable');
  const nav = await page.locator(tid('nav')).innerText();
  assert.ok(!nav.includes('系统管理') && !nav.includes('数据导入'), 'no admin or import entries');
  await screenshot(page, 'enterprise-user-own');

  await page.goto(srv.base + '/#/enterprise/' + srv.otherUscc);
  const err = page.locator(tid('page-error'));
  await err.waitFor();
  assert.ok((await err.innerText()).trim().length > 0, 'an error message is shown');
  assert.equal(await page.locator(tid('profile-name')).count(), 0, 'no profile is shown');
  await screenshot(page, 'enterprise-user-other');

  // The dashboard is not for enterprise users: home goes to the own profile.
  await page.goto(srv.base + '/#/');
  await page.waitForFunction((u) => location.hash === '#/enterprise/' + u, srv.ownUscc);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an analyst may import but has no admin page', async () => {
  const page = await newPage(browser);
  await login(page, srv.base, srv.users.analyst);
  const nav = await page.locator(tid('nav')).innerText();
  assert.ok(nav.includes('数据导入'), 'import is offered');
  assert.ok(!nav.includes('系统管理'), 'admin is not');
  await page.goto(srv.base + '/#/admin');
  await page.locator(tid('page-error')).waitFor();
  const api = await page.request.get(srv.base + '/api/v1/users');
  assert.equal(api.status(), 403, 'the server refuses too');
  await screenshot(page, 'analyst-admin-refused');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a session that ends on the server sends the browser to the login page', async () => {
  const page = await newPage(browser);
  await login(page, srv.base, srv.users.analyst);
  await page.goto(srv.base + '/#/enterprises');
  await page.locator(tid('results-table')).waitFor();
  await page.context().clearCookies();
  await page.locator(tid('search-submit')).click();
  await page.waitForFunction(() => location.hash.startsWith('#/login'));
  assert.match(decodeURIComponent(page.url()), /next=\/enterprises/);
  await page.context().close();
});
