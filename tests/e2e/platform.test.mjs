// The platform in a browser, as an administrator: log in, dashboard, search by a Chinese name
// fragment, a profile with drawn charts, paging, language switch, import with rejected rows and
// the reject report, export, admin, log out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  startServer, launchBrowser, newPage, login, screenshot, chartDrawn, makeUscc, readText,
} from './helpers.mjs';

let srv, browser, page;

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  page = await newPage(browser);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const tid = (id) => `[data-testid="${id}"]`;

test('the login page refuses a wrong password, in both languages, then logs in', async () => {
  await page.goto(srv.base + '/');
  await page.locator(tid('login-user')).waitFor();
  assert.match(page.url(), /#\/login/);
  await screenshot(page, 'login');
  await page.locator(tid('login-user')).fill(srv.users.admin.username);
  await page.locator(tid('login-pass')).fill('not-the-password');
  await page.locator(tid('login-submit')).click();
  const err = page.locator(tid('login-error'));
  await err.waitFor({ state: 'visible' });
  const text = (await err.innerText()).trim();
  assert.ok(text.length > 0, 'an error message is shown');
  assert.match(text, /[\u4e00-\u9fff]/, 'the message is in Chinese');
  assert.doesNotMatch(text, /[A-Za-z]{3,}/, 'and only in Chinese (one language at a time)');
  await screenshot(page, 'login-error');
  // In English the same refusal is in English only.
  await page.locator(tid('lang-switch')).click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.locator(tid('login-user')).fill(srv.users.admin.username);
  await page.locator(tid('login-pass')).fill('not-the-password');
  await page.locator(tid('login-submit')).click();
  await page.waitForFunction(() => /[A-Za-z]{3,}/.test(document.querySelector('[data-testid=login-error]').innerText));
  const en = (await err.innerText()).trim();
  assert.doesNotMatch(en, /[\u4e00-\u9fff]/, `the English message has no Chinese: ${en}`);
  await page.locator(tid('lang-switch')).click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await page.locator(tid('login-user')).fill(srv.users.admin.username); // the form was drawn again

  await page.locator(tid('login-pass')).fill(srv.users.admin.password);
  await page.locator(tid('login-submit')).click();
  await page.locator(tid('logout')).waitFor();
  assert.equal(await page.locator(tid('current-user')).locator('.user-name').innerText(), srv.users.admin.username);
});

test('the dashboard shows counts and draws its charts', async () => {
  await page.goto(srv.base + '/#/');
  await page.locator(tid('count-enterprises')).waitFor();
  const count = await page.locator(tid('count-enterprises') + ' .card-value').innerText();
  // The firms of the scope stated beside them (the home region by default), not the registry's.
  const dash = await (await page.request.get(srv.base + '/api/v1/dashboard')).json();
  assert.ok(dash.counts.enterprises > 999 && dash.counts.enterprises < dash.counts.registered, 'the demo has over a thousand firms in Chongqing');
  assert.equal(count.replace(/[^\d,]/g, ''), dash.counts.enterprises.toLocaleString('en-US'), 'shown with a thousands separator');
  for (const c of ['chart-region', 'chart-chain', 'chart-growth', 'chart-match']) {
    const d = await chartDrawn(page, tid(c));
    assert.ok(d.series >= 1, `${c} has series`);
  }
  assert.match(await page.locator(tid('dashboard-match-totals')).innerText(), /\d/, 'supply–demand totals on the dashboard');
  await screenshot(page, 'dashboard');
});

let picked; // {name, fragment}

test('searching a Chinese name fragment finds the enterprise', async () => {
  await page.goto(srv.base + '/#/enterprises');
  const firstLink = page.locator(tid('results-table') + ' tbody tr ' + tid('result-link')).first();
  await firstLink.waitFor();
  const name = (await firstLink.innerText()).trim();
  // Two Chinese characters from the middle of the name (past the place name at its start).
  const chars = [...name].filter((c) => /[\u4e00-\u9fff]/.test(c));
  assert.ok(chars.length >= 6, `a Chinese name: ${name}`);
  const fragment = chars[2] + chars[3];
  picked = { name, fragment };

  await page.locator(tid('search-q')).fill(fragment);
  await page.locator(tid('search-submit')).click();
  await page.waitForFunction((f) => location.hash.includes('q=' + encodeURIComponent(f)), fragment);
  await page.locator(tid('results-table') + ' tbody tr ' + tid('result-link')).first().waitFor();
  const names = await page.locator(tid('results-table') + ' tbody ' + tid('result-link')).allInnerTexts();
  assert.ok(names.length >= 1, 'at least one result');
  for (const n of names) assert.ok(n.includes(fragment), `"${n}" contains "${fragment}"`);
  const total = await page.locator(tid('results-total')).innerText();
  assert.match(total, /\d/);
  if (names.length < 50) assert.ok(names.includes(name), `${name} is among the results`);
  await screenshot(page, 'enterprises-search');
});

test('the result list pages with a cursor', async () => {
  await page.goto(srv.base + '/#/enterprises?limit=20');
  const rows = page.locator(tid('results-table') + ' tbody ' + tid('result-link'));
  await rows.first().waitFor();
  const first = await rows.allInnerTexts();
  assert.equal(first.length, 20);
  await page.locator(tid('next-page')).click();
  await page.waitForFunction(() => location.hash.includes('cursor='));
  await page.waitForFunction((prev) => {
    const a = document.querySelector('[data-testid="results-table"] tbody [data-testid="result-link"]');
    return a && a.textContent !== prev;
  }, first[0]);
  const second = await rows.allInnerTexts();
  assert.equal(second.length, 20);
  assert.ok(!second.some((n) => first.includes(n)), 'page 2 holds other enterprises');
  assert.match(await page.locator(tid('results-page')).innerText(), /2/);
  await page.locator(tid('prev-page')).click();
  await page.waitForFunction((f) => document.querySelector('[data-testid="results-table"] tbody [data-testid="result-link"]')?.textContent === f, first[0]);
});

test('a profile shows the registry and draws the indicator charts', async () => {
  await page.goto(srv.base + '/#/enterprises?q=' + encodeURIComponent(picked.fragment));
  const link = page.locator(tid('results-table') + ' tbody ' + tid('result-link')).first();
  await link.waitFor();
  const name = (await link.innerText()).trim();
  await link.click();
  await page.waitForFunction(() => location.hash.startsWith('#/enterprise/'));
  await page.locator(tid('profile-name')).waitFor();
  assert.equal((await page.locator(tid('profile-name')).innerText()).trim(), name);
  const d = await chartDrawn(page, tid('profile-chart'));
  assert.ok(d.width > 0 && d.height > 0, 'the canvas has a size');
  assert.ok(d.series >= 3, 'revenue, output value and R&D expense');
  await chartDrawn(page, tid('monthly-chart'));
  const table = page.locator(tid('metrics-table'));
  await table.waitFor();
  const rd = await table.locator('tr[data-metric="rd_intensity"]').innerText();
  assert.match(rd, /%/, 'ratios are shown as percentages');
  assert.ok(await page.locator(tid('edit-form')).isVisible(), 'an administrator may edit');

  // The chart follows the window.
  const w0 = d.width;
  await page.setViewportSize({ width: 1000, height: 900 });
  await page.waitForFunction(([sel, w]) => document.querySelector(sel + ' canvas').width !== w, [tid('profile-chart'), w0]);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.waitForFunction(([sel, w]) => document.querySelector(sel + ' canvas').width === w, [tid('profile-chart'), w0]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page fits the window again (${overflow}px too wide)`);
  await screenshot(page, 'enterprise-profile');
});

test('editing the profile saves, and a bad value shows the error', async () => {
  const name = page.locator(tid('edit-name'));
  const old = await name.inputValue();
  await name.fill(old + '（测试）');
  await page.locator(tid('edit-submit')).click();
  await page.locator(tid('edit-status') + '.status-ok').waitFor();
  assert.equal((await page.locator(tid('profile-name')).innerText()).trim(), old + '（测试）');
  await page.locator(tid('edit-name')).fill(old);
  await page.locator(tid('edit-region')).fill('999999');
  await page.locator(tid('edit-submit')).click();
  await page.locator(tid('edit-status') + '.status-error').waitFor();
  assert.ok((await page.locator(tid('edit-status')).innerText()).trim().length > 0);
});

test('switching the language shows English, and the choice survives a reload', async () => {
  await page.goto(srv.base + '/#/enterprises');
  await page.locator(tid('results-table')).waitFor();
  assert.equal(await page.locator(tid('nav-enterprises')).innerText(), '企业');
  await page.locator(tid('lang-switch')).click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.locator(tid('results-table')).waitFor();
  assert.equal(await page.locator(tid('nav-enterprises')).innerText(), 'Enterprises');
  assert.equal(await page.locator(tid('search-submit')).innerText(), 'Search');
  assert.equal(await page.locator(tid('logout')).innerText(), 'Log out');
  const cjk = /[\u4e00-\u9fff]/;
  for (const item of await page.locator(tid('nav') + ' .nav-item').allInnerTexts()) {
    assert.ok(!cjk.test(item), `navigation entry "${item}" is English`);
  }
  for (const label of await page.locator(tid('search-form') + ' label').allInnerTexts()) {
    assert.ok(!cjk.test(label), `label "${label}" is English`);
  }
  const missing = await page.evaluate(async () => (await import('/web/i18n.js')).missingKeys());
  assert.deepEqual(missing, { en: [], zh: [] }, 'every UI string exists in both languages');
  await page.reload();
  await page.locator(tid('nav-enterprises')).waitFor();
  assert.equal(await page.locator(tid('nav-enterprises')).innerText(), 'Enterprises');
  await page.goto(srv.base + '/#/');
  await chartDrawn(page, tid('chart-chain'));
  await screenshot(page, 'dashboard-en');
  await page.locator(tid('lang-switch')).click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.equal(await page.locator(tid('nav-enterprises')).innerText(), '企业');
});

test('an upload with bad rows reports them, and the reject report downloads', async () => {
  const good = makeUscc('500112', 12345678);
  const csv = [
    'uscc,name,region',
    `${good},重庆测试导入科技有限公司,500112`,
    `${good.slice(0, 17)}${good[17] === '0' ? '1' : '0'},重庆错误校验码有限公司,500112`, // wrong check character
    `${makeUscc('500112', 87654321)},重庆错误地区有限公司,999999`, // no such region
  ].join('\n') + '\n';
  const file = path.join(srv.dir || '/tmp', 'e2e-upload.csv');
  await writeFile(file, csv);

  await page.goto(srv.base + '/#/import');
  await page.locator(tid('import-file')).setInputFiles(file);
  await page.locator(tid('import-submit')).click();
  const summary = page.locator(tid('import-summary'));
  await summary.waitFor();
  assert.equal((await page.locator(tid('import-rows') + ' .card-value').innerText()).trim(), '3');
  assert.equal((await page.locator(tid('import-accepted') + ' .card-value').innerText()).trim(), '1');
  assert.equal((await page.locator(tid('import-rejected') + ' .card-value').innerText()).trim(), '2');
  await screenshot(page, 'import');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(tid('rejects-link')).click()]);
  const saved = path.join(srv.dir || '/tmp', 'e2e-rejects.csv');
  await download.saveAs(saved);
  const report = (await readText(saved)).replace(/^\uFEFF/, '');
  const lines = report.trim().split(/\r?\n/);
  assert.match(lines[0], /line/i, 'the report has a header');
  const lineNos = new Set(lines.slice(1).map((l) => l.split(',')[0]));
  assert.ok(lineNos.has('3'), `line 3 (wrong check character) is reported:\n${report}`);
  assert.ok(lineNos.has('4'), `line 4 (bad region) is reported:\n${report}`);
  assert.ok(!lineNos.has('2'), 'the good line is not');

  // The imported enterprise can be found.
  await page.goto(srv.base + '/#/enterprises?q=' + encodeURIComponent('测试导入科技'));
  await page.locator(tid('results-table') + ' tbody ' + tid('result-link')).first().waitFor();
  assert.equal(await page.locator(tid('results-table') + ' tbody tr[data-uscc="' + good + '"]').count(), 1);
});

test('the export links give the enterprise register', async () => {
  await page.goto(srv.base + '/#/enterprises');
  const href = await page.locator(tid('export-csv')).getAttribute('href');
  assert.match(href, /^\/api\/v1\/exports\/enterprises\?format=csv/);
  const res = await page.request.get(srv.base + href);
  assert.equal(res.status(), 200);
  const body = (await res.text()).replace(/^\uFEFF/, '');
  assert.match(body.split(/\r?\n/)[0], /uscc|统一社会信用代码/);
  assert.ok(body.split(/\r?\n/).length > 100, 'many rows');
  const xhref = await page.locator(tid('export-xlsx')).getAttribute('href');
  const x = await page.request.get(srv.base + xhref);
  assert.equal(x.status(), 200);
  const bytes = await x.body();
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX (zip) file');
});

test('the admin page lists users, creates one and shows the audit log', async () => {
  await page.goto(srv.base + '/#/admin');
  const users = page.locator(tid('users-table'));
  await users.waitFor();
  const text = await users.innerText();
  for (const u of ['admin', 'analyst', 'enterprise']) assert.ok(text.includes(srv.users[u].username));
  await page.locator(tid('user-username')).fill('chief9');
  await page.locator(tid('user-password')).fill('Chief-pass-9');
  await page.locator(tid('user-role')).selectOption('chief');
  await page.locator(tid('user-chains')).selectOption(['nev']);
  await page.locator(tid('user-submit')).click();
  await page.locator(tid('user-status') + '.status-ok').waitFor();
  await page.locator(tid('users-table') + ' tr[data-username="chief9"]').waitFor();
  const audit = page.locator(tid('audit-table') + ' tbody tr');
  await audit.first().waitFor();
  const auditText = await page.locator(tid('audit-table')).innerText();
  assert.ok(auditText.includes(srv.users.admin.username), 'the writes of this run are audited');
  await screenshot(page, 'admin');
});

test('logging out leads to the login page, and pages need a login again', async () => {
  await page.goto(srv.base + '/#/');
  await page.locator(tid('logout')).click();
  await page.waitForFunction(() => location.hash.startsWith('#/login'));
  await page.locator(tid('login-user')).waitFor();
  await page.goto(srv.base + '/#/enterprises');
  await page.waitForFunction(() => location.hash.startsWith('#/login'));
  await page.locator(tid('login-user')).waitFor();
  const s = await page.request.get(srv.base + '/api/v1/session');
  assert.equal(s.status(), 401, 'the session is gone on the server too');
  await screenshot(page, 'logged-out');
  assert.deepEqual(page.errors, [], 'no script errors on any page');
});
