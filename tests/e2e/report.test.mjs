// Enterprise reporting (issue 15) in the browser: an enterprise fills its report (last period
// and a year earlier shown beside each field), a big jump asks for an explanation beside the
// field, it submits with one; the analyst returns it with a comment from the review queue; the
// enterprise reads the comment in its notices and on the form, corrects and submits; the
// analyst accepts, and the value is the enterprise's indicator with its provenance. The
// completion page counts the period, draws its chart and lists the firm that did not report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, screenshot, chartDrawn } from './helpers.mjs';

let srv, browser, reportId, period;
const tid = (id) => `[data-testid="${id}"]`;

function monthBack(k) {
  const d = new Date();
  let y = d.getUTCFullYear(), m = d.getUTCMonth() + 1 - k;
  while (m < 1) { y -= 1; m += 12; }
  return `${y}-${String(m).padStart(2, '0')}`;
}

before(async () => {
  srv = await startServer({ enterprises: 300, seed: 11 });
  browser = await launchBrowser();
  period = monthBack(2);
  await srv.cli(['report', 'plan', '月度直报', '--metrics', 'revenue,employees,rd_staff,rd_expense',
    '--rule', `list:${srv.ownUscc};${srv.otherUscc}`]);
  await srv.cli(['report', 'open', '月度直报', '--period', period]);
  const list = JSON.parse(await srv.cli(['--format', 'json', 'report', 'list', '--uscc', srv.ownUscc]));
  reportId = list.reports[0].id;
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('fill, submit with an explanation, return, correct, accept', async () => {
  const ent = await newPage(browser);
  await login(ent, srv.base, srv.users.enterprise);
  await ent.goto(srv.base + '/#/reports');
  await ent.locator(tid('report-notices')).waitFor();
  // Its one report of the test's plan (the demo's plan may have given it others).
  const row = ent.locator(tid('report-row')).filter({ hasText: '月度直报' });
  assert.equal(await row.count(), 1, 'the enterprise sees its one report');
  await row.locator(tid('report-open')).click();
  await ent.locator(tid('report-form')).waitFor();
  assert.match(await ent.locator(tid('report-head')).innerText(), new RegExp(period));
  const lastYear = Number((await ent.locator(tid('last-year-revenue')).innerText()).replace(/,/g, ''));
  assert.ok(Number.isFinite(lastYear) && lastYear > 0, 'a year earlier is shown beside revenue');

  // A jump over 50% needs an explanation: the warning shows beside the field.
  await ent.locator(tid('value-revenue')).fill(String(Math.round(lastYear * 3)));
  await ent.locator(tid('value-employees')).fill('50');
  await ent.locator(tid('value-rd_staff')).fill('5');
  await ent.locator(tid('value-rd_expense')).fill('1');
  await ent.locator(tid('report-submit')).click();
  await ent.locator(tid('report-message') + '.status-error').waitFor();
  assert.ok((await ent.locator(tid('soft-revenue')).innerText()).trim().length > 0, 'the revenue field says why');
  await screenshot(ent, 'report-explanation-needed');
  // A hard rule names its field.
  await ent.locator(tid('value-rd_staff')).fill('60');
  await ent.locator(tid('report-submit')).click();
  await ent.waitForFunction(() => document.querySelector('[data-testid="value-rd_staff"]').classList.contains('field-error'));
  await ent.locator(tid('value-rd_staff')).fill('5');
  await ent.locator(tid('report-explanation')).fill('新产线投产，产量翻番');
  await ent.locator(tid('report-submit')).click();
  await ent.waitForFunction(() => document.querySelector('[data-testid="report-form"]')?.dataset.status === 'submitted');

  // The analyst returns it from the review queue.
  const ana = await newPage(browser);
  await login(ana, srv.base, srv.users.analyst);
  await ana.goto(srv.base + '/#/reports');
  await ana.locator(`${tid('report-row')}[data-id="${reportId}"]`).locator(tid('report-open')).click();
  await ana.locator(tid('report-review')).waitFor();
  assert.match(await ana.locator(tid('review-explanation')).innerText(), /新产线投产/);
  await ana.locator(tid('review-return')).click();
  await ana.locator(tid('review-message') + '.status-error').waitFor(); // a comment is required
  await ana.locator(tid('review-comment')).fill('营业收入请按万元填报');
  await ana.locator(tid('review-return')).click();
  await ana.waitForFunction(() => document.querySelector('[data-testid="report-form"]')?.dataset.status === 'returned');

  // The enterprise reads the comment, corrects and submits again.
  await ent.goto(srv.base + '/#/reports');
  const notice = ent.locator(`${tid('report-notice')}[data-kind="returned"]`);
  await notice.waitFor();
  assert.match(await notice.innerText(), /营业收入请按万元填报/);
  await notice.locator('a').click();
  await ent.locator(tid('report-comment')).waitFor();
  await ent.locator(tid('value-revenue')).fill(String(lastYear));
  await ent.locator(tid('report-submit')).click();
  await ent.waitForFunction(() => document.querySelector('[data-testid="report-form"]')?.dataset.status === 'submitted');

  // Accepted: the indicator and its provenance.
  await ana.goto(srv.base + '/#/reports?status=submitted');
  await ana.locator(`${tid('report-row')}[data-id="${reportId}"]`).locator(tid('report-open')).click();
  await ana.locator(tid('review-accept')).click();
  await ana.waitForFunction(() => document.querySelector('[data-testid="report-form"]')?.dataset.status === 'accepted');
  await screenshot(ana, 'report-accepted');
  const prov = await ana.request.get(`${srv.base}/api/v1/enterprises/${srv.ownUscc}/provenance?period=${period}`);
  const p = await prov.json();
  const rev = p.values.find((v) => v.metric === 'revenue');
  assert.equal(rev.source, 'report');
  assert.equal(rev.ref, reportId);
  assert.equal(rev.value, lastYear);
  // The profile shows where the value came from.
  await ent.goto(srv.base + '/#/enterprise/' + srv.ownUscc);
  await ent.locator(tid('provenance-table')).waitFor();
  await ent.locator(tid('provenance-filter')).fill(period + ' 营业收入');
  const prow = ent.locator(`${tid('provenance-table')} tr[data-metric="revenue"][data-period="${period}"]`);
  await prow.waitFor();
  assert.equal(await prow.getAttribute('data-source'), 'report');
  assert.match(await prow.innerText(), new RegExp('第 ' + reportId + ' 号报表'));
  await screenshot(ent, 'report-provenance');
  // An imported value names its file and line, as the API does (indicator_imports).
  const all = await (await ana.request.get(`${srv.base}/api/v1/enterprises/${srv.ownUscc}/provenance`)).json();
  const imp = all.values.find((v) => v.source === 'import' && v.metric === 'revenue' && v.period !== period);
  assert.ok(imp && imp.line > 1 && /indicators\.csv$/.test(imp.file), 'the demo import recorded the file and line of the value');
  await ent.locator(tid('provenance-filter')).fill(imp.period + ' 营业收入');
  const irow = ent.locator(`${tid('provenance-table')} tr[data-metric="revenue"][data-period="${imp.period}"]`);
  await irow.waitFor();
  assert.equal(await irow.getAttribute('data-source'), 'import');
  assert.match(await irow.innerText(), new RegExp(`导入文件 indicators\\.csv 第 ${imp.line} 行`));
  assert.deepEqual(ent.errors, []);
  assert.deepEqual(ana.errors, []);
  await ent.context().close();
  await ana.context().close();
});

test('completion: counts, chart and the overdue firm', async () => {
  const ana = await newPage(browser);
  await login(ana, srv.base, srv.users.analyst);
  // The test's plan (the demo has its own, 月度经济指标直报（演示）).
  const plans = await (await ana.request.get(`${srv.base}/api/v1/report-plans`)).json();
  const planId = (plans.plans || plans).find((x) => x.name === '月度直报').id;
  await ana.goto(srv.base + '/#/completion?plan=' + planId);
  await ana.locator(tid('completion-counts')).waitFor();
  const api = await (await ana.request.get(`${srv.base}/api/v1/report-plans/${planId}/completion?period=${period}`)).json();
  const card = async (k) => Number((await ana.locator(tid('completion-' + k) + ' .card-value').innerText()).replace(/,/g, ''));
  assert.equal(await card('total'), api.total);
  assert.equal(await card('reported'), api.reported);
  assert.equal(await card('overdue'), api.overdue);
  assert.equal(api.total, 2);
  assert.equal(api.reported, 1);
  await chartDrawn(ana, tid('completion-chart'));
  const late = ana.locator(tid('completion-overdue-table') + ' tbody tr');
  assert.equal(await late.count(), 1);
  assert.match(await late.innerText(), new RegExp(srv.otherUscc));
  await screenshot(ana, 'report-completion');
  // Bulk: a district's file with a bad row comes back with the row's line, column and reason.
  const csv = '统一社会信用代码,营业收入（万元）,从业人员,研发人员,研发费用,情况说明\n' +
    `${srv.otherUscc},100,10,20,1,\n`;
  await ana.locator(tid('bulk-file')).setInputFiles({ name: 'district.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await ana.locator(tid('bulk-upload')).click();
  await ana.locator(tid('bulk-rejects')).waitFor();
  const bad = ana.locator(tid('bulk-rejects') + ' tbody tr');
  assert.equal(await bad.count(), 1);
  assert.match(await bad.innerText(), /rd_staff[\s\S]*研发人员多于从业人员/);
  assert.ok(await ana.locator(tid('bulk-rejects-csv')).isVisible(), 'the reject report can be downloaded');
  // In English, the page's own words are English.
  await ana.locator(tid('lang-switch')).click();
  await ana.locator(tid('completion-counts')).waitFor();
  assert.match(await ana.locator(tid('page-title')).innerText(), /Reporting completion/);
  assert.deepEqual(ana.errors, []);
  await ana.context().close();
});

// 数据截至 (web/asof.js): the home page, a chain's page and its district map, and the chain
// comparison show the line of their route's "as_of" (period and firms missing), in Chinese and
// with the rule in the help text.
test('数据截至 on the home, chain and area pages', async () => {
  const ana = await newPage(browser);
  await login(ana, srv.base, srv.users.analyst);
  const expect = (ao) => ao.missing > 0
    ? `数据截至 ${ao.period}年（缺 ${ao.missing.toLocaleString('zh-CN')} 家）`
    : `数据截至 ${ao.period}年（无缺报）`;
  const pages = [
    ['/#/', '/api/v1/dashboard', 'as-of'],
    ['/#/', '/api/v1/areas', 'map-as-of'],
    ['/#/chains', '/api/v1/chains/compare', 'as-of'],
    ['/#/chain/nev', '/api/v1/chains/nev', 'as-of'],
    ['/#/chain/nev', '/api/v1/areas?chain=nev', 'map-as-of'],
  ];
  for (const [hash, route, id] of pages) {
    await ana.goto(srv.base + hash);
    const line = ana.locator(tid(id)).first();
    await line.waitFor();
    await ana.waitForFunction((sel) => document.querySelector(sel)?.dataset.period, tid(id));
    const ao = await ana.evaluate(async (r) => (await (await fetch(r)).json()).as_of, route);
    assert.ok(ao && /^\d{4}$/.test(ao.period), `${route} answers an annual as_of`);
    assert.equal((await line.innerText()).trim(), expect(ao), `${hash} shows ${route}'s as_of`);
    assert.match(await line.getAttribute('title'), /80%/, 'the help text states the rule');
  }
  await screenshot(ana, 'as-of-chain');
  await ana.close();
});
