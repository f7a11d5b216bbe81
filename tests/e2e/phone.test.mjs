// The phone layout (issue 14, item 1) at 390×844, and the desk layout at 1440×900. For every role
// and every page that role may open (the routes of web/routes.js): nothing wider than the screen
// (document.documentElement.scrollWidth <= 390), the title on at most two lines, the navigation
// hidden until the menu button opens it (aria-expanded; it closes on Escape, on a tap beside it,
// on a navigation); a tapped posting's detail and a chain node's panel drawn within the screen,
// not far below; at 1440×900 the usual sidebar and no menu button.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, screenshot } from './helpers.mjs';
import { ROUTES } from '../../web/routes.js';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };
const CHAIN = 'nev';
const CHIEF = { username: 'chief2', password: 'Chief-pass-2', role: 'chief' };
const tid = (id) => `[data-testid="${id}"]`;

let srv, browser;
const users = {};

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  Object.assign(users, srv.users);
  if (!process.env.CC_E2E_BASE) {
    await srv.cli(['user', 'add', CHIEF.username, '--role', 'chief', '--password', CHIEF.password, '--chains', CHAIN]);
    users.chief = CHIEF;
  }
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function open(viewport, user) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await login(page, srv.base, user);
  return page;
}

// The addresses ROLE may open, from the route table (parameters filled in).
function pathsFor(role, user) {
  return ROUTES.filter((r) => !r.login && (!r.roles || r.roles.includes(role)))
    .filter((r) => !(r.path === '/' && role === 'enterprise')) // an enterprise's home is its profile
    .map((r) => r.path.replace(':uscc', user.uscc || srv.ownUscc).replace(':chain', CHAIN));
}

// Waits until the page has drawn: no request in flight, no loading line, charts laid out.
async function settle(page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('[data-testid=loading]'));
  await page.waitForTimeout(250);
}

async function layoutOf(page) {
  return page.evaluate(() => {
    const title = document.querySelector('[data-testid=page-title]');
    const lh = parseFloat(getComputedStyle(title).lineHeight);
    // the widest element sticking out, to say what overflows when something does
    let worst = null;
    const W = document.documentElement.clientWidth;
    for (const el of document.querySelectorAll('body *')) {
      const b = el.getBoundingClientRect();
      if (b.width && b.right > W + 0.5 && (!worst || b.right > worst.right)) {
        let clipped = false;
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const s = getComputedStyle(p);
          if (s.overflowX !== 'visible' && p.getBoundingClientRect().right <= W + 0.5) { clipped = true; break; }
        }
        if (!clipped) worst = { right: Math.round(b.right), what: el.tagName.toLowerCase() + '.' + el.className + (el.dataset.testid ? ' ' + el.dataset.testid : '') };
      }
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      titleLines: Math.round(title.getBoundingClientRect().height / lh),
      worst,
    };
  });
}

// The menu's state once its slide (0.18 s) is over.
async function menuState(page) {
  await page.waitForFunction(() => {
    const nav = document.querySelector('[data-testid=nav]');
    const s = getComputedStyle(nav);
    const left = nav.getBoundingClientRect().left;
    return s.visibility === 'hidden' || left >= 0;
  }, null, { timeout: 3000 }).catch(() => {});
  await page.waitForTimeout(250);
  const btn = page.locator(tid('menu-toggle'));
  return { expanded: await btn.getAttribute('aria-expanded'), navVisible: await page.locator(tid('nav')).isVisible() };
}

for (const role of ['admin', 'analyst', 'chief', 'enterprise']) {
  test(`phone 390×844, ${role}: every page fits the width, the menu opens and closes`, async (t) => {
    const user = users[role];
    if (!user) { t.skip('no chief account against CC_E2E_BASE'); return; }
    const page = await open(PHONE, user);
    const paths = pathsFor(role, user);
    assert.ok(paths.length >= 3, `${role} has pages`);
    for (const p of paths) {
      await page.goto(srv.base + '/#' + p);
      await settle(page);
      const l = await layoutOf(page);
      assert.ok(l.scrollWidth <= PHONE.width, `${role} ${p}: the page is ${l.scrollWidth} px wide (${JSON.stringify(l.worst)})`);
      assert.ok(l.titleLines <= 2, `${role} ${p}: the title takes ${l.titleLines} lines`);
      assert.deepEqual(await menuState(page), { expanded: 'false', navVisible: false }, `${role} ${p}: the menu starts closed`);
      await screenshot(page, `phone-${role}${p.replace(/[/:]/g, '_')}`);
    }
    assert.deepEqual(page.errors, [], 'no script error');

    // The menu: the button opens it (its entries in view), Escape closes it, a tap beside it
    // closes it, an entry navigates and closes it.
    const btn = page.locator(tid('menu-toggle'));
    await btn.click();
    assert.deepEqual(await menuState(page), { expanded: 'true', navVisible: true });
    const entries = page.locator(tid('nav') + ' a.nav-item');
    const first = await entries.first().boundingBox();
    assert.ok(first && first.x >= 0 && first.y >= 0 && first.y < PHONE.height, 'the first entry is on the screen');
    const navBox = await page.locator(tid('nav')).boundingBox();
    assert.ok(navBox.x >= 0 && navBox.x + navBox.width <= PHONE.width, 'the open menu fits the screen');
    assert.ok((await btn.boundingBox()).y < navBox.y, 'the menu opens below the top bar, its button stays reachable');
    await screenshot(page, `phone-${role}-menu`);
    await page.keyboard.press('Escape');
    assert.deepEqual(await menuState(page), { expanded: 'false', navVisible: false }, 'Escape closes the menu');
    await btn.click();
    await btn.click();
    assert.deepEqual(await menuState(page), { expanded: 'false', navVisible: false }, 'the button closes it again');
    await btn.click();
    await page.mouse.click(PHONE.width - 20, PHONE.height - 40); // the dimmed page beside the menu
    assert.deepEqual(await menuState(page), { expanded: 'false', navVisible: false }, 'a tap beside it closes the menu');
    await btn.click();
    const target = entries.last();
    const href = await target.getAttribute('href');
    await target.click();
    await page.waitForFunction((h) => location.hash.startsWith(h), href);
    await settle(page);
    assert.deepEqual(await menuState(page), { expanded: 'false', navVisible: false }, 'a navigation closes the menu');
    assert.deepEqual(page.errors, [], 'no script error');
    await page.context().close();
  });
}

test('phone 390×844: the login page fits the width', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(srv.base + '/#/login');
  await page.locator(tid('login-user')).waitFor();
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= PHONE.width, `the login page is ${w} px wide`);
  const card = await page.locator('.login-card').boundingBox();
  assert.ok(card.x >= 0 && card.x + card.width <= PHONE.width, 'the form on the screen');
  await context.close();
});

for (const role of ['analyst', 'enterprise']) {
  test(`phone 390×844, ${role}: a tapped posting's detail is drawn within the screen`, async () => {
    const page = await open(PHONE, users[role]);
    await page.goto(srv.base + '/#/match');
    await settle(page);
    const rows = page.locator(tid('posting-row'));
    await rows.first().waitFor();
    const row = rows.nth(Math.min(5, (await rows.count()) - 1)); // one down the list
    const id = await row.getAttribute('data-id');
    await row.click();
    const detail = page.locator(tid('posting-detail'));
    await detail.waitFor();
    await settle(page);
    assert.equal(await detail.getAttribute('data-id'), id);
    const b = await detail.boundingBox();
    assert.ok(b.y >= 0 && b.y < PHONE.height / 2, `the detail starts at ${Math.round(b.y)} px, within the screen`);
    assert.ok(b.x >= 0 && b.x + b.width <= PHONE.width, 'and within its width');
    assert.ok((await layoutOf(page)).scrollWidth <= PHONE.width, 'nothing overflows with the detail open');
    await screenshot(page, `phone-${role}-posting`);
    // Back to the list: the button, then Escape.
    await page.locator(tid('detail-back')).click();
    await page.waitForFunction(() => !location.hash.includes('id='));
    await rows.first().waitFor();
    assert.equal(await detail.count(), 0, 'the back button closes the detail');
    await rows.first().click();
    await detail.waitFor();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !location.hash.includes('id='));
    assert.deepEqual(page.errors, [], 'no script error');
    await page.context().close();
  });
}

test('phone 390×844: a chain node opens a panel covering the screen', async () => {
  const page = await open(PHONE, users.analyst);
  await page.goto(srv.base + '/#/chain/' + CHAIN);
  await settle(page);
  await page.locator(tid('gaps-table') + ' tbody tr[data-node]').first().click();
  const panel = page.locator(tid('node-panel'));
  await panel.locator(tid('node-name')).waitFor();
  const b = await panel.boundingBox();
  assert.ok(b.x >= 0 && b.y >= 0 && b.y < 10 && b.x + b.width <= PHONE.width, `the panel is on the screen (${JSON.stringify(b)})`);
  await screenshot(page, 'phone-chain-node');
  await page.locator(tid('node-close')).click();
  assert.ok(await panel.isHidden());
  assert.deepEqual(page.errors, [], 'no script error');
  await page.context().close();
});

test('phone: charts follow the screen width when the phone turns', async () => {
  const page = await open(PHONE, users.analyst);
  await page.goto(srv.base + '/#/risk');
  await settle(page);
  const chartBox = () => page.evaluate(() => {
    const el = [...document.querySelectorAll('.chart')].find((e) => window.echarts.getInstanceByDom(e));
    const c = el.querySelector('canvas');
    return { el: el.clientWidth, canvas: c.getBoundingClientRect().width, rotate: [].concat(window.echarts.getInstanceByDom(el).getOption().xAxis)[0].axisLabel.rotate };
  });
  const narrow = await chartBox();
  assert.ok(narrow.el <= PHONE.width && Math.abs(narrow.canvas - narrow.el) <= 1, `the chart fits the phone (${JSON.stringify(narrow)})`);
  await page.setViewportSize({ width: PHONE.height, height: PHONE.width }); // landscape
  await page.waitForFunction((w) => {
    const el = [...document.querySelectorAll('.chart')].find((e) => window.echarts.getInstanceByDom(e));
    return Math.abs(el.querySelector('canvas').getBoundingClientRect().width - el.clientWidth) <= 1 && el.clientWidth > w;
  }, narrow.el);
  assert.ok((await layoutOf(page)).scrollWidth <= PHONE.height, 'nothing overflows in landscape');
  assert.deepEqual(page.errors, [], 'no script error');
  await page.context().close();
});

test('desk 1440×900: the usual sidebar, no menu button', async () => {
  for (const role of ['admin', 'enterprise']) {
    const page = await open(DESK, users[role]);
    const p = role === 'enterprise' ? '/match' : '/chains';
    await page.goto(srv.base + '/#' + p);
    await settle(page);
    assert.ok(await page.locator(tid('menu-toggle')).isHidden(), 'no menu button on a desk screen');
    const nav = await page.locator(tid('nav')).boundingBox();
    assert.ok(nav && nav.x === 0 && nav.width >= 180 && nav.height >= DESK.height - 1, `the sidebar is there (${JSON.stringify(nav)})`);
    const main = await page.locator(tid('page')).boundingBox();
    assert.ok(main.x >= nav.width, 'the page beside it');
    assert.equal((await layoutOf(page)).titleLines, 1, 'the title on one line');
    assert.ok(await page.locator(tid('nav') + ' a.nav-item').first().isVisible());
    assert.deepEqual(page.errors, [], 'no script error');
    await page.context().close();
  }
});
