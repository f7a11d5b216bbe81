// Live data in a browser (issue 12): two people at once. An analyst renames an enterprise on its
// profile and an administrator, in another session, finds the new name in the list at once;
// a CLI import (another process) gives an enterprise the largest revenue and the
// administrator's list sorted by revenue shows it first on the next load — no server restart,
// no waiting for a rebuild.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startServer, launchBrowser, newPage, login, screenshot } from './helpers.mjs';

let srv, browser, analyst, admin;
const tid = (id) => `[data-testid="${id}"]`;

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  analyst = await newPage(browser);
  admin = await newPage(browser);
  await login(analyst, srv.base, srv.users.analyst);
  await login(admin, srv.base, srv.users.admin);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const firstRow = (page) => page.locator(tid('results-table') + ' tbody ' + tid('result-link')).first();

test("one person's edit is in another person's search at once", async () => {
  await analyst.goto(srv.base + '/#/enterprise/' + encodeURIComponent(srv.otherUscc));
  const name = analyst.locator(tid('edit-name'));
  await name.waitFor();
  const fresh = '实时数据验证科技有限公司';
  await name.fill(fresh);
  await analyst.locator(tid('edit-submit')).click();
  await analyst.locator(tid('edit-status') + '.status-ok').waitFor();
  const t0 = Date.now();
  await admin.goto(srv.base + '/#/enterprises?q=' + encodeURIComponent('实时数据验证'));
  await firstRow(admin).waitFor();
  assert.equal((await firstRow(admin).innerText()).trim(), fresh);
  assert.ok(Date.now() - t0 < 5000, 'found without waiting for a rebuild');
  assert.deepEqual(analyst.errors.concat(admin.errors), []);
});

test('a CLI import is on the page sorted by that metric on the next load', async () => {
  await admin.goto(srv.base + '/#/enterprises?sort=revenue&order=desc');
  await firstRow(admin).waitFor();
  const before = (await firstRow(admin).innerText()).trim();
  // The year the list shows is the latest with revenue; write that year for the own firm.
  const year = JSON.parse(await srv.cli(['--format', 'json', 'enterprise', 'show', srv.ownUscc]))
    .annual.map((a) => a.year).sort().at(-1);
  const file = path.join(srv.dir, 'live-indicators.csv');
  await writeFile(file, `uscc,period,revenue\n${srv.ownUscc},${year},987654321\n`);
  await srv.cli(['import', file]);
  const own = JSON.parse(await srv.cli(['--format', 'json', 'enterprise', 'show', srv.ownUscc]));
  let shown = '';
  for (let i = 0; i < 20 && shown !== own.name; i++) {
    await admin.reload();
    await firstRow(admin).waitFor();
    shown = (await firstRow(admin).innerText()).trim();
  }
  assert.equal(shown, own.name, `the imported revenue puts ${own.name} first (was ${before})`);
  await screenshot(admin, 'live-list-after-import');
  assert.deepEqual(admin.errors, []);
});
