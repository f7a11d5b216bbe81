// Empty and odd states (issue 14, item 5): the dashboard's supply–demand charts have a year of
// demo history to draw (deals by direction, postings by month), and a chart with nothing to draw
// says 暂无数据 and why (web/util.js chart(), the one helper every chart goes through) instead
// of an empty frame of axes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { openAnalyst, closeAnalyst, newPage, login, screenshot, chartDrawn, makeUscc } from './helpers.mjs';

let srv, browser, page;
const tid = (id) => `[data-testid="${id}"]`;

before(async () => { ({ srv, browser, page } = await openAnalyst({ enterprises: 1500, seed: 7 })); });
after(() => closeAnalyst({ srv, browser }));

const apiJson = async (url) => (await page.request.get(srv.base + url)).json();
const categories = (sel) => page.evaluate((s) => {
  const o = window.echarts.getInstanceByDom(document.querySelector(s)).getOption();
  return { x: o.xAxis[0].data, series: o.series.map((x) => x.data) };
}, sel);

test('the dashboard draws deals by direction and postings by month from the demo history', async () => {
  const m = await apiJson('/api/v1/match/stats');
  assert.ok(m.totals.deals > 0 && m.totals.agreed > 0 && m.totals.value > 0, JSON.stringify(m.totals));
  assert.ok(m.by_direction.length >= 2, 'deals in more than one direction: ' + JSON.stringify(m.by_direction));
  assert.ok(m.by_month.length >= 6, 'postings over several months, not one dot: ' + m.by_month.length);
  await page.goto(srv.base + '/#/');
  await chartDrawn(page, tid('chart-match-direction'));
  await chartDrawn(page, tid('chart-match'));
  const dir = await categories(tid('chart-match-direction'));
  assert.equal(dir.x.length, m.by_direction.length, 'one bar group per direction');
  assert.deepEqual(dir.series[0], m.by_direction.map((d) => d.deals));
  const month = await categories(tid('chart-match'));
  assert.deepEqual(month.x, m.by_month.map((x) => x.month));
  assert.equal(await page.locator(tid('dashboard-match') + ' ' + tid('chart-empty')).count(), 0, 'no empty state');
  await screenshot(page, 'odd-dashboard-match');
});

test('a chart with nothing to draw says 暂无数据 and why, in either language', async () => {
  // A new enterprise without any indicator: both charts of its profile are empty.
  const uscc = makeUscc('500112', 77123401);
  const file = path.join(srv.dir, 'one.csv');
  await writeFile(file, `uscc,name,region\n${uscc},重庆空数据测试有限公司,500112\n`);
  await srv.cli(['import', file]);
  for (let i = 0; i < 50; i++) {
    const r = await page.request.get(srv.base + '/api/v1/enterprises/' + uscc);
    if (r.ok()) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  await page.goto(srv.base + '/#/enterprise/' + uscc);
  const monthly = page.locator(tid('monthly-chart') + ' ' + tid('chart-empty'));
  await monthly.waitFor();
  assert.match(await monthly.innerText(), /^暂无数据\s+该企业尚未报送月度数据/);
  assert.match(await page.locator(tid('profile-chart') + ' ' + tid('chart-empty-why')).innerText(), /年度数据/);
  assert.equal(await page.locator(tid('monthly-chart') + ' canvas').count(), 0, 'no empty axes drawn');
  await screenshot(page, 'odd-empty-profile');

  const en = await newPage(browser);
  await login(en, srv.base, srv.users.analyst);
  await en.goto(srv.base + '/#/enterprise/' + uscc);
  await en.locator(tid('lang-switch')).click();
  await en.waitForFunction(() => document.documentElement.lang === 'en');
  const e = en.locator(tid('monthly-chart') + ' ' + tid('chart-empty'));
  await e.waitFor();
  assert.match(await e.innerText(), /^No data\s+This enterprise has no monthly figures/);
  await en.context().close();
});
