// The innovation page in a browser (issue 17): a chain's technology map draws local patents in
// force per node from the demo's patents, the table lists every node (null figures for nodes
// without IPC prefixes), the gaps list names mapped nodes with none, English labels switch, and
// the application-number check tells a published number from a corrupted one.
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

test('a chain technology map: chart, node table, gaps', async () => {
  await page.goto(srv.base + '/#/innovation?chain=power_battery');
  const d = await chartDrawn(page, tid('innov-chart'));
  assert.equal(d.series, 2, 'patents in force and inventions');
  const bars = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid="innov-chart"]')).getOption().series[0].data);
  assert.ok(bars.some((v) => v > 0), 'the demo patents reach some node');
  const rows = page.locator(tid('innov-row'));
  assert.ok(await rows.count() >= 20, 'a row per node of the chain');
  assert.match(await page.locator(tid('innov-summary')).innerText(), /IPC/);
  // Platforms and consortia (the demo registers some): coverage line and the cells.
  assert.match(await page.locator(tid('innov-coverage')).innerText(), /个环节没有任何平台/);
  assert.match(await page.locator(tid('innov-row') + '[data-node="cells"]').innerText(), /动力电池技术创新中心/);
  assert.match(await page.locator(tid('innov-row') + '[data-node="next_gen"]').innerText(), /固态电池创新联合体/);
  // A node without IPC prefixes shows no figures.
  const sys = page.locator(tid('innov-row') + '[data-node="systems"]');
  assert.match(await sys.innerText(), /未对应 IPC/);
  await page.locator(tid('innov-gaps')).waitFor();
  await screenshot(page, 'innovation-map');
  // The chain selector moves to another chain.
  await page.selectOption(tid('innov-chain-select'), 'ic');
  await page.waitForFunction(() => location.hash.includes('chain=ic'));
  await chartDrawn(page, tid('innov-chart'));
});

test('the application-number check', async () => {
  await page.goto(srv.base + '/#/innovation?chain=nev');
  await page.locator(tid('innov-check-input')).fill('ZL201710601862.3, 201710601862.4');
  await page.locator(tid('innov-check')).click();
  const rows = page.locator(tid('innov-check-row'));
  await rows.nth(1).waitFor();
  assert.equal(await rows.nth(0).getAttribute('data-valid'), 'true');
  assert.match(await rows.nth(0).innerText(), /201710601862\.3.*发明.*2017/);
  assert.equal(await rows.nth(1).getAttribute('data-valid'), 'false');
  assert.match(await rows.nth(1).innerText(), /'3'/);
});

test('the commission marks a key technology absent and a choke point', async () => {
  await page.goto(srv.base + '/#/innovation?chain=power_battery');
  await page.locator(tid('tech-form')).waitFor();
  await page.selectOption(tid('tech-node'), 'separator');
  await page.locator(tid('tech-name')).fill('干法隔膜');
  await page.selectOption(tid('tech-status'), 'absent');
  await page.locator(tid('tech-chokepoint')).check();
  await page.locator(tid('tech-save')).click();
  const row = page.locator(tid('innov-absent') + '[data-node="separator"]');
  await row.waitFor();
  assert.match(await row.innerText(), /干法隔膜.*卡脖子/);
  assert.match(await page.locator(tid('innov-row') + '[data-node="separator"]').innerText(), /干法隔膜（空白，卡脖子）/);
});

test('a challenge: its applicants ranked with each component', async () => {
  await srv.cli(['innov', 'challenge', '电芯攻关', '--node', 'power_battery.cells', '--technology', '固态电解质', '--budget', '500']);
  // Another address than the page shows, so that it is drawn again.
  await page.goto(srv.base + '/#/innovation?chain=power_battery&scope=chongqing');
  const open = page.locator(tid('challenge-open')).first();
  await open.waitFor();
  await open.click();
  const rows = page.locator(tid('applicant-row'));
  await rows.first().waitFor();
  assert.ok(await rows.count() > 0, 'applicants ranked');
  assert.match(await page.locator(tid('applicant-table')).innerText(), /发明专利[\s\S]*创新平台[\s\S]*链上角色/);
  // The matching engine's explanation: every component with its reason, as the API gives it.
  const ch = (await (await page.request.get(srv.base + '/api/v1/innovation/challenges')).json()).find((c) => c.title === '电芯攻关');
  const api = await (await page.request.get(srv.base + '/api/v1/innovation/challenges/' + ch.id + '/applicants')).json();
  const first = rows.first();
  assert.equal(await first.getAttribute('data-uscc'), api.applicants[0].uscc);
  await first.locator(tid('applicant-why') + ' summary').click();
  const parts = first.locator(tid('applicant-explanation') + ' tr');
  assert.equal(await parts.count(), 6, 'six components');
  for (const c of api.applicants[0].components) {
    const tr = first.locator(`tr[data-component="${c.component}"]`);
    assert.match(await tr.innerText(), new RegExp(c.reason_zh.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), c.component + ' explained');
  }
  assert.match(await first.locator('tr[data-component="text"]').innerText(), /专利名称/);
  await screenshot(page, 'innovation-challenge');
});
