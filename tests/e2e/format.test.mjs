// Numbers as officials write them (issue 14, item 3): web/format.js imported in the page (money
// in 亿元 / 万元 by magnitude with two decimals, percentages, scores on 0–100, years, counts, "—"
// for unknown, in both languages), and on the pages: the chain comparison's output and the
// register's revenue in 亿元 / 万元 on one line at 1440 px, ratios as percentages, a chain's
// output card in 亿元.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, screenshot } from './helpers.mjs';

let srv, browser, page;
const tid = (id) => `[data-testid="${id}"]`;
const MONEY = /^-?[\d,]+\.\d{2}(亿元|万元)$/;

before(async () => {
  srv = await startServer({ enterprises: 800 });
  browser = await launchBrowser();
  page = await newPage(browser);
  await page.setViewportSize({ width: 1440, height: 900 });
  await login(page, srv.base, srv.users.admin);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('the formatters, in Chinese and in English', async () => {
  const r = await page.evaluate(async () => {
    const f = await import('/web/format.js');
    const i18n = await import('/web/i18n.js');
    const run = () => ({
      big: f.money(109658479.8), yi: f.money(10000), wan: f.money(3456.7), small: f.money(0.5), neg: f.money(-25000),
      none: f.money(null), nan: f.money(NaN), pct: f.pct(0.1234), pctNone: f.pct(undefined), signed: f.signedPct(0.05),
      score: f.score(0.5706), years: f.years(12), count: f.count(20000), axis: f.moneyAxis(2500000),
      metric: f.metric({ unit: '10k CNY', unit_zh: '万元' }, 123456), ratio: f.metric({ unit: 'ratio', unit_zh: '比率' }, 0.25),
      persons: f.metric({ unit: 'persons', unit_zh: '人' }, 1234),
    });
    const was = i18n.lang();
    i18n.setLang('zh-CN');
    const zh = run();
    i18n.setLang('en');
    const en = run();
    i18n.setLang(was);
    return { zh, en };
  });
  const { zh, en } = r;
  assert.equal(zh.big, '10,965.85亿元', '109,658,479.80 万元 in 亿元 with two decimals');
  assert.equal(zh.yi, '1.00亿元', '1亿 and up in 亿元');
  assert.equal(zh.wan, '3,456.70万元', 'below 1亿 in 万元');
  assert.equal(zh.small, '0.50万元');
  assert.equal(zh.neg, '-2.50亿元');
  assert.equal(zh.none, '—');
  assert.equal(zh.nan, '—');
  assert.equal(zh.pct, '12.3%');
  assert.equal(zh.pctNone, '—');
  assert.equal(zh.signed, '+5.0%');
  assert.equal(zh.score, '57.1', 'a 0–1 score on 0–100');
  assert.equal(zh.years, '12年');
  assert.equal(zh.count, '20,000');
  assert.equal(zh.axis, '250亿');
  assert.equal(zh.metric, '12.35亿元');
  assert.equal(zh.ratio, '25.0%');
  assert.equal(zh.persons, '1,234人');
  assert.equal(en.big, '1,096.58 bn yuan');
  assert.equal(en.wan, '34.57 m yuan');
  assert.equal(en.small, '5.00 k yuan');
  assert.equal(en.years, '12 yr');
  assert.equal(en.persons, '1,234 persons');
  assert.equal(en.pct, '12.3%');
});

// How many lines the text of each cell takes.
const linesOf = (loc) => loc.evaluateAll((els) => els.map((el) => {
  const r = document.createRange();
  r.selectNodeContents(el);
  return new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top))).size;
}));

test('money and ratios on the pages', async () => {
  await page.goto(srv.base + '/#/chains');
  const rows = page.locator(tid('compare-table') + ' tbody tr');
  await rows.first().waitFor();
  const head = await page.locator(tid('compare-table') + ' thead th').allInnerTexts();
  const outCol = head.findIndex((s) => /工业总产值|产值/.test(s)) + 1;
  const pctCol = head.findIndex((s) => /完整度|完整/.test(s)) + 1;
  assert.ok(outCol > 0 && pctCol > 0, `output and completeness columns in ${head.join(' | ')}`);
  const outCells = page.locator(tid('compare-table') + ` tbody tr td:nth-child(${outCol})`);
  const out = await outCells.allInnerTexts();
  assert.ok(out.length >= 10);
  for (const s of out) assert.ok(s.trim() === '—' || MONEY.test(s.trim()), `output as money: ${s}`);
  assert.ok(out.some((s) => s.includes('亿元')), 'large outputs in 亿元');
  for (const n of await linesOf(outCells)) assert.equal(n, 1, 'a money cell on one line');
  for (const s of await page.locator(tid('compare-table') + ` tbody tr td:nth-child(${pctCol})`).allInnerTexts()) {
    assert.match(s.trim(), /^(\d+\.\d%|—)$/, 'completeness as a percentage');
  }

  await page.goto(srv.base + '/#/enterprises?limit=20');
  await page.locator(tid('results-table') + ' tbody ' + tid('result-link')).first().waitFor();
  const rev = page.locator(tid('results-table') + ' tbody tr td:nth-child(8)');
  for (const s of await rev.allInnerTexts()) assert.ok(s.trim() === '—' || MONEY.test(s.trim()), `revenue as money: ${s}`);
  for (const n of await linesOf(rev)) assert.ok(n <= 1, 'a revenue cell on one line');
  for (const s of await page.locator(tid('results-table') + ' tbody tr td:nth-child(10)').allInnerTexts()) {
    assert.match(s.trim(), /^(-?\d+\.\d%|—)$/, 'R&D intensity as a percentage');
  }

  await page.goto(srv.base + '/#/chain/nev');
  const card = page.locator(tid('card-output') + ' .card-value');
  await card.waitFor();
  assert.match((await card.innerText()).trim(), MONEY, 'the chain output card with its unit');
  await screenshot(page, 'format-chain');
});
