// Names, not codes (issue 14, item 2): the pickers of web/pickers.js on the forms that take
// codes. The what-if form takes 驱动电机 by its Chinese name, a district by its name, another
// district by walking province → city → district with the keyboard, and a firm by a fragment of
// its name, and sends the codes (nev.motor, 500112, 510107, the credit code); the posting form
// takes a node and regions by name, and the posting is listed with them. Typed codes still work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, screenshot, chartDrawn } from './helpers.mjs';

let srv, browser, ana, ent;
const tid = (id) => `[data-testid="${id}"]`;

before(async () => {
  srv = await startServer({ enterprises: 1500 });
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

// Types TEXT into the picker input ID and clicks the option whose text matches RE.
async function pickByName(page, id, text, re) {
  const input = page.locator(tid(id));
  await input.fill(text);
  const opt = page.locator(tid(id + '-option')).filter({ hasText: re }).first();
  await opt.waitFor();
  await opt.click();
}

// The JSON body of the next request to PATH the page sends while FN runs.
async function bodyOf(page, path, fn) {
  const [req] = await Promise.all([page.waitForRequest((r) => r.url().includes(path) && r.method() === 'POST'), fn()]);
  return JSON.parse(req.postData());
}

test('what-if: a node, regions and a firm picked by name; the codes are sent and results shown', async () => {
  // A firm of the nev chain in Chongqing, found by the API, named by a fragment of its name.
  const firm = await ana.evaluate(async () => {
    const r = await (await fetch('/api/v1/enterprises?chain=nev&region=500000&limit=20')).json();
    return r.items.find((x) => x.name && x.name.length >= 6);
  });
  assert.ok(firm, 'a nev firm in Chongqing');
  const fragment = firm.name.slice(2, 6);

  await ana.goto(srv.base + '/#/risk?tab=whatif');
  await ana.locator(tid('whatif-form')).waitFor();
  // The label names the input (accessible combobox).
  assert.equal(await ana.locator(tid('whatif-nodes')).getAttribute('role'), 'combobox');
  assert.equal(await ana.getByLabel('产业链环节').getAttribute('data-testid'), 'whatif-nodes');

  // 驱动电机 by its Chinese name, shown in its chain.
  await ana.locator(tid('whatif-nodes')).fill('驱动电机');
  const nodeOpt = ana.locator(tid('whatif-nodes-option')).first();
  await nodeOpt.waitFor();
  assert.match(await nodeOpt.innerText(), /新能源汽车 › 驱动电机/);
  assert.equal(await nodeOpt.getAttribute('data-value'), 'nev.motor');
  await ana.locator(tid('whatif-nodes')).press('Enter');
  await ana.locator(tid('whatif-nodes-chip')).waitFor();
  assert.match(await ana.locator(tid('whatif-nodes-chip')).innerText(), /驱动电机/);

  // A district by name (search), another by province → city → district with the keyboard.
  await pickByName(ana, 'whatif-regions', '渝北', /渝北区/);
  const reg = ana.locator(tid('whatif-regions'));
  await reg.press('ArrowDown'); // the empty input opens on the provinces
  await ana.locator(tid('whatif-regions-option')).filter({ hasText: '四川省' }).waitFor();
  const provinces = await ana.locator(tid('whatif-regions-option')).evaluateAll((els) => els.map((e) => e.dataset.value));
  for (let i = 0; i <= provinces.indexOf('510000'); i++) await reg.press('ArrowDown');
  await reg.press('ArrowRight'); // into 四川省
  await ana.locator(tid('whatif-regions-option')).filter({ hasText: '成都市' }).waitFor();
  const cities = await ana.locator(tid('whatif-regions-option')).evaluateAll((els) => els.map((e) => e.dataset.value));
  assert.equal(cities[0], '510000', 'the province itself comes first');
  for (let i = 0; i <= cities.indexOf('510100'); i++) await reg.press('ArrowDown');
  await reg.press('ArrowRight'); // into 成都市
  await ana.locator(tid('whatif-regions-option')).filter({ hasText: '武侯区' }).waitFor();
  const districts = await ana.locator(tid('whatif-regions-option')).evaluateAll((els) => els.map((e) => e.dataset.value));
  for (let i = 0; i <= districts.indexOf('510107'); i++) await reg.press('ArrowDown');
  await reg.press('Enter');
  assert.deepEqual(await ana.locator(tid('whatif-regions-chip')).evaluateAll((els) => els.map((e) => e.dataset.value)), ['500112', '510107']);
  // Escape closes the list without picking.
  await reg.fill('江北');
  await ana.locator(tid('whatif-regions-option')).first().waitFor();
  await reg.press('Escape');
  assert.equal(await reg.getAttribute('aria-expanded'), 'false');
  await reg.fill('');

  // A firm by a fragment of its name: the option shows its credit code and district.
  await ana.locator(tid('whatif-suppliers')).fill(fragment);
  const firmOpt = ana.locator(tid('whatif-suppliers-option') + `[data-value="${firm.uscc}"]`);
  await firmOpt.waitFor();
  const shown = await firmOpt.innerText();
  assert.ok(shown.includes(firm.uscc) && shown.includes(firm.region_name), `option shows code and district: ${shown}`);
  await firmOpt.click();
  assert.match(await ana.locator(tid('whatif-suppliers-chip')).innerText(), new RegExp(fragment));

  await screenshot(ana, 'pickers-whatif-form');
  const body = await bodyOf(ana, '/api/v1/risk/disruptions', () => ana.locator(tid('whatif-run')).click());
  assert.deepEqual(body.nodes, ['nev.motor']);
  assert.deepEqual(body.regions, ['500112', '510107']);
  assert.deepEqual(body.suppliers, [firm.uscc]);
  await chartDrawn(ana, tid('whatif-tiers'));
  const removed = Number((await ana.locator(tid('wi-removed') + ' .stat-value').innerText()).replace(/\D/g, ''));
  assert.ok(removed > 0, `removed ${removed}`);
  assert.ok(await ana.locator(tid('whatif-ent-row')).count() > 0, 'most affected firms listed');
  await screenshot(ana, 'pickers-whatif-result');

  // A chip is removed by its button; codes typed as they are still go through.
  await ana.locator(tid('whatif-regions-chip')).first().locator('button').click();
  await ana.locator(tid('whatif-regions-chip')).first().locator('button').click();
  await ana.locator(tid('whatif-nodes-chip')).first().locator('button').click();
  await ana.locator(tid('whatif-suppliers-chip')).first().locator('button').click();
  await ana.locator(tid('whatif-nodes')).fill('ic.fab');
  await ana.locator(tid('whatif-regions')).fill('5101');
  const typed = await bodyOf(ana, '/api/v1/risk/disruptions', () => ana.locator(tid('whatif-run')).click());
  assert.deepEqual(typed.nodes, ['ic.fab']);
  assert.deepEqual(typed.regions, ['5101']);
  await ana.locator(tid('whatif-status')).waitFor({ state: 'hidden' });
  assert.deepEqual(ana.errors, []);
});

test('posting: the node and regions picked by name; the posting lists them', async () => {
  await ent.goto(srv.base + '/#/match');
  await ent.locator(tid('posting-new')).click();
  await ent.locator(tid('posting-form')).waitFor();
  await ent.locator(tid('pf-title')).fill('采购驱动电机定子总成');
  await pickByName(ent, 'pf-node', '驱动电机', /新能源汽车 › 驱动电机/);
  assert.equal(await ent.locator(tid('pf-node')).inputValue(), '新能源汽车 › 驱动电机');
  await pickByName(ent, 'pf-region_pref', '成都', /四川省成都市/);
  // A name typed and not picked is resolved when the form is sent (exactly one 渝北区).
  await ent.locator(tid('pf-region_pref')).fill('渝北区');
  await ent.locator(tid('pf-quantity')).fill('500');
  await ent.locator(tid('pf-unit')).fill('套');
  await screenshot(ent, 'pickers-posting-form');
  const body = await bodyOf(ent, '/api/v1/postings', () => ent.locator(tid('pf-submit')).click());
  assert.equal(body.node, 'nev.motor');
  assert.equal(body.region_pref, '510100;500112');
  await ent.waitForFunction(() => /id=\d+/.test(location.hash));
  const d = ent.locator(tid('posting-detail'));
  await d.waitFor();
  assert.match(await d.innerText(), /驱动电机/);
  assert.match(await d.innerText(), /510100;500112/);
  // Listed on the board with its node.
  await ent.goto(srv.base + '/#/match?mine=1');
  const row = ent.locator('tr').filter({ hasText: '采购驱动电机定子总成' }).first();
  await row.waitFor();
  assert.match(await row.innerText(), /驱动电机/);
  assert.deepEqual(ent.errors, []);
});

test('the supplier tab takes a firm by name', async () => {
  const firm = await ana.evaluate(async () => (await (await fetch('/api/v1/risk/overview')).json()).riskiest[0]);
  await ana.goto(srv.base + '/#/risk?tab=supplier');
  await pickByName(ana, 'risk-uscc', firm.name.slice(0, 6), new RegExp(firm.uscc));
  await ana.locator(tid('supplier-go')).click();
  await ana.waitForFunction((u) => location.hash.includes('uscc=' + u), firm.uscc);
  await ana.locator(tid('tts-summary')).waitFor();
  // Back on the tab, the input names the firm (not its code).
  await ana.waitForFunction((n) => document.querySelector('[data-testid="risk-uscc"]').value === n, firm.name);
  assert.deepEqual(ana.errors, []);
});

test('the board filters by a region picked by name; a subscription follows a node picked by name', async () => {
  await ana.goto(srv.base + '/#/match');
  await pickByName(ana, 'match-region', '成都', /四川省成都市/);
  await ana.locator(tid('match-search-go')).click();
  await ana.waitForFunction(() => location.hash.includes('region=5101'));
  // Back on the page the filter names the city.
  await ana.waitForFunction(() => document.querySelector('[data-testid="match-region"]').value === '四川省成都市');

  await ana.goto(srv.base + '/#/match?tab=inbox');
  await ana.locator(tid('follow-what')).selectOption('node');
  await pickByName(ana, 'follow-node', '驱动电机', /新能源汽车 › 驱动电机/);
  const body = await bodyOf(ana, '/api/v1/subscriptions', () => ana.locator(tid('follow-submit')).click());
  assert.deepEqual(body.what, 'node');
  assert.deepEqual(body.value, 'nev.motor');
  await ana.locator(tid('subscription')).filter({ hasText: 'nev.motor' }).waitFor();
  assert.deepEqual(ana.errors, []);
});
