// Export and print (issue 14, item 7). Exports are opened by LibreOffice (converted to CSV with
// text cells quoted and numbers not, so a number stored as text shows): an enterprise search
// exported follows the page's filter (every row of it, not one page), in Chinese with Chinese
// headers and labels and in English with English ones; a risk table and the chain report store
// numbers as numbers. The monthly chain brief printed to PDF by Chromium, rendered to PNG with
// pdftoppm: its pages, its charts drawn on paper.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { openAnalyst, closeAnalyst, screenshot, chartDrawn, SHOTS, parseCsv } from './helpers.mjs';

let srv, browser, page;
const tid = (id) => `[data-testid="${id}"]`;
const CJK = /[\u4e00-\u9fff]/;

before(async () => { ({ srv, browser, page } = await openAnalyst({ enterprises: 800, seed: 21 })); });
after(() => closeAnalyst({ srv, browser }));

const apiJson = async (url) => (await page.request.get(srv.base + url)).json();

function sh(bin, args, timeout = 180000) {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout, maxBuffer: 256 << 20, encoding: 'buffer' }, (err, stdout, stderr) => {
      if (err) { err.message += `\n$ ${bin} ${args.join(' ')}\n${stderr}`; reject(err); } else resolve(stdout);
    });
  });
}

/*
 * Sheet SHEET (1-based) of the workbook FILE as LibreOffice reads it: CSV in UTF-8 with every
 * text cell quoted and numbers as stored (not as shown). → rows of {v, quoted}.
 */
let loRun = 0;
async function libreSheet(file, sheet = 1) {
  const out = path.join(srv.dir, 'lo-' + (++loRun));
  await mkdir(out, { recursive: true });
  // a profile of its own, so that another LibreOffice on the machine does not hold it
  await sh('libreoffice', ['-env:UserInstallation=file://' + path.join(srv.dir, 'lo-profile'), '--headless',
    '--convert-to', `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,false,false,false,${sheet}`, file, '--outdir', out]);
  const files = (await readdir(out)).filter((f) => f.endsWith('.csv'));
  assert.equal(files.length, 1, `LibreOffice wrote one CSV of sheet ${sheet}: ${files.join(', ')}`);
  return parseCsv(await readFile(path.join(out, files[0]), 'utf8'));
}

// A cell stored as a number: LibreOffice writes it unquoted (a percentage with its sign).
const isNumberCell = (c) => !c.quoted && /^-?\d+(\.\d+)?(E[+-]?\d+)?%?$/i.test(c.v);

async function download(click, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = path.join(srv.dir, name);
  await dl.saveAs(file);
  return { file, suggested: dl.suggestedFilename() };
}

test('an enterprise search exports every row of its filter, in Chinese, numbers as numbers', async () => {
  const chain = 'nev', region = '500000';
  const api = await apiJson(`/api/v1/enterprises?chain=${chain}&region=${region}&limit=20`);
  assert.ok(api.total > 20, `the filter has more than a page (${api.total})`);
  await page.goto(srv.base + `/#/enterprises?chain=${chain}&region=${region}&limit=20`);
  await page.locator(tid('results-table') + ' tbody tr').first().waitFor();
  assert.equal(await page.locator(tid('results-table') + ' tbody tr').count(), 20, 'the page shows one page');
  const { file, suggested } = await download(() => page.locator(tid('results-export')).click(), 'ents-zh.xlsx');
  assert.match(suggested, /^企业\.xlsx$/, 'named in the page\'s language');
  const rows = await libreSheet(file);
  const head = rows[0].map((c) => c.v);
  assert.equal(rows.length - 1, api.total, 'every row of the filter, not the page shown');
  assert.ok(head.every((x) => CJK.test(x) && !/[A-Za-z]{3,}/.test(x)), `Chinese headers only: ${head.join(' | ')}`);
  assert.ok(head.includes('营业收入 2025（万元）') || head.some((x) => /^营业收入.*（万元）$/.test(x)), `the money column names its unit: ${head.join(' | ')}`);
  const rev = head.findIndex((x) => x.startsWith('营业收入'));
  const uscc = head.indexOf('统一社会信用代码');
  assert.ok(uscc >= 0, 'the credit code column');
  const body = rows.slice(1);
  assert.ok(body.filter((r) => r[rev].v !== '').every((r) => isNumberCell(r[rev])), 'revenue stored as numbers');
  const yoy = head.findIndex((x) => /同比|增速/.test(x));
  assert.ok(yoy >= 0 && body.some((r) => /%$/.test(r[yoy].v) && isNumberCell(r[yoy])), 'growth a number shown as a percentage');
  // the rows are the filter's: each one is on the chain and in the region
  const all = await apiJson(`/api/v1/enterprises?chain=${chain}&region=${region}&limit=500`);
  const want = new Set(all.items.map((e) => e.uscc));
  assert.ok(body.every((r) => want.has(r[uscc].v)), 'every row is one of the filter');
  const chainCol = head.indexOf('产业链');
  if (chainCol >= 0) assert.ok(body.every((r) => r[chainCol].v.includes('新能源汽车')), 'chains as Chinese names');
  // the filters are written down beside the table
  const about = await libreSheet(file, 2);
  const aboutText = about.map((r) => r.map((c) => c.v).join('=')).join('\n');
  assert.match(aboutText, /新能源汽车/, 'the about sheet names the chain filter');
  assert.match(aboutText, /重庆/, 'and the region filter');
});

test('in English the same export has English headers and labels only', async () => {
  await page.goto(srv.base + '/#/enterprises?chain=nev&region=500000&limit=20');
  await page.locator(tid('lang-switch')).click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.locator(tid('results-table') + ' tbody tr').first().waitFor();
  const { file } = await download(() => page.locator(tid('results-export')).click(), 'ents-en.xlsx');
  const rows = await libreSheet(file);
  const head = rows[0].map((c) => c.v);
  assert.ok(head.every((x) => !CJK.test(x)), `English headers only: ${head.join(' | ')}`);
  const scale = head.indexOf('Size');
  if (scale >= 0) assert.ok(rows.slice(1).every((r) => !CJK.test(r[scale].v)), 'sizes as English labels');
  await page.locator(tid('lang-switch')).click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
});

test('a risk table exports all its rows with numbers as numbers', async () => {
  await page.goto(srv.base + '/#/risk?tab=chain&chain=nev');
  await page.locator(tid('spof-table') + ' tbody tr').first().waitFor();
  const d = await apiJson('/api/v1/risk/chains/nev');
  const { file } = await download(() => page.locator(tid('spof-table')).locator('xpath=ancestor::div[contains(@class,"table-export")]').locator(tid('table-export')).click(), 'spof.xlsx');
  const rows = await libreSheet(file);
  assert.equal(rows.length - 1, d.spof.length, 'one row per single point of failure shown');
  const head = rows[0].map((c) => c.v);
  assert.ok(head.every((x) => CJK.test(x)), `Chinese headers: ${head.join(' | ')}`);
  const nums = head.map((_, k) => rows.slice(1).every((r) => r[k].v === '' || isNumberCell(r[k])));
  assert.ok(nums.filter(Boolean).length >= 2, 'the counts and values are number cells');
  const money = head.findIndex((x) => x.includes('（万元）'));
  assert.ok(money >= 0, 'the money column states 万元');
  const first = d.spof[0];
  assert.ok(Math.abs(Number(rows[1][money].v) - first.downstream_loss) < 0.01, 'the value (the first money column: the downstream loss) is the API\'s, in 万元, not the rounded text');
});

test('a profile\'s metrics by year export with their units: money in 万元, ratios in %', async () => {
  const uscc = srv.ownUscc;
  const prof = await apiJson('/api/v1/enterprises/' + uscc);
  await page.goto(srv.base + '/#/enterprise/' + uscc);
  await page.locator(tid('metrics-table') + ' tbody tr').first().waitFor();
  const box = page.locator(tid('metrics-table')).locator('xpath=ancestor::div[contains(@class,"table-export")][1]');
  const { file } = await download(() => box.locator('.table-tools button').click(), 'metrics.xlsx');
  const rows = await libreSheet(file);
  const head = rows[0].map((c) => c.v);
  const annual = prof.annual || prof.indicators || [];
  const last = annual[annual.length - 1];
  const col = head.indexOf(String(last.year));
  assert.ok(col > 1, `a column per year: ${head.join(' | ')}`);
  const rowOf = (label) => rows.find((r) => r[0].v.startsWith(label));
  const rev = rowOf('营业收入'), rd = rowOf('研发投入强度');
  assert.equal(rev[1].v, '万元');
  assert.ok(isNumberCell(rev[col]) && Math.abs(Number(rev[col].v) - last.revenue) < 0.01, `revenue ${rev[col].v} 万元 is the API's ${last.revenue}`);
  assert.equal(rd[1].v, '%');
  assert.ok(isNumberCell(rd[col]) && Math.abs(Number(rd[col].v) - last.rd_intensity * 100) < 1e-6, `R&D intensity ${rd[col].v} % is the API's ${last.rd_intensity}`);
});

test('the interchange export in Chinese: Chinese headers and labels, numbers as numbers', async () => {
  const get = async (url, name) => {
    const r = await page.request.get(srv.base + url);
    assert.equal(r.status(), 200, url);
    const f = path.join(srv.dir, name);
    await writeFile(f, await r.body());
    return libreSheet(f);
  };
  const ind = await get('/api/v1/exports/indicators?format=xlsx&zh=1', 'indicators-zh.xlsx');
  const head = ind[0].map((c) => c.v);
  assert.ok(head.every((x) => CJK.test(x)), `Chinese headers: ${head.join(' | ')}`);
  const rev = head.indexOf('营业收入');
  assert.ok(rev > 0 && ind.slice(1).filter((r) => r[rev].v !== '').every((r) => isNumberCell(r[rev])), 'revenue cells are numbers');
  const ent = await get('/api/v1/exports/enterprises?format=xlsx&zh=1', 'enterprises-zh.xlsx');
  const scale = ent[0].map((c) => c.v).indexOf('企业规模');
  assert.ok(scale > 0 && ent.slice(1).every((r) => r[scale].v === '' || /^(大型|中型|小型|微型)$/.test(r[scale].v)), 'sizes as Chinese labels');
});

test('the chain report is in one language and its summary holds numbers', async () => {
  await page.goto(srv.base + '/#/chain/nev');
  await page.locator(tid('report-xlsx')).waitFor();
  const { file } = await download(() => page.locator(tid('report-xlsx')).click(), 'report-zh.xlsx');
  const summary = await libreSheet(file, 1);
  const item = (name) => summary.find((r) => r[0].v === name);
  assert.equal(summary[0][0].v, '项目');
  for (const name of ['企业数', '工业总产值（万元）', '产值增速', '完整度（末端环节有企业的比例）', '本地配套率']) {
    assert.ok(item(name), `the summary has ${name}`);
    assert.ok(isNumberCell(item(name)[1]), `${name} is a number: ${JSON.stringify(item(name)[1])}`);
  }
  const api = await apiJson('/api/v1/chains/nev');
  assert.equal(Number(item('企业数')[1].v), api.chain.enterprises, 'the count is the chain page\'s');
  for (const sheet of [2, 3, 4]) {
    const rows = await libreSheet(file, sheet);
    const text = rows.map((r) => r.map((c) => c.v).join(' ')).join('\n');
    assert.ok(!/\b(upstream|midstream|downstream|strong|adequate|weak|missing|enterprises|reason)\b/.test(text), `sheet ${sheet} has no English words`);
  }
  const en = await page.request.get(srv.base + '/api/v1/chains/nev/report?lang=en');
  assert.equal(en.status(), 200);
  const enFile = path.join(srv.dir, 'report-en.xlsx');
  await writeFile(enFile, await en.body());
  for (const sheet of [1, 2, 3, 4]) {
    const rows = await libreSheet(enFile, sheet);
    const cjk = rows[0].filter((c) => CJK.test(c.v));
    assert.deepEqual(cjk, [], `English report sheet ${sheet} has English headers`);
  }
});

/* ---------- the monthly brief, printed ---------- */

// A PPM (P6) file → {width, height, data}.
function readPpm(buf) {
  const parts = [];
  let i = 0;
  while (parts.length < 4) {
    while (/\s/.test(String.fromCharCode(buf[i]))) i++;
    if (buf[i] === 0x23) { while (buf[i] !== 0x0a) i++; continue; }
    let s = '';
    while (!/\s/.test(String.fromCharCode(buf[i]))) s += String.fromCharCode(buf[i++]);
    parts.push(s);
  }
  assert.equal(parts[0], 'P6');
  return { width: Number(parts[1]), height: Number(parts[2]), data: buf.subarray(i + 1) };
}

// The share of pixels that are not (near) white in a rectangle of a PPM image.
function inkShare(img, x0, y0, x1, y1) {
  let ink = 0, all = 0;
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(img.height, Math.ceil(y1)); y++) {
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(img.width, Math.ceil(x1)); x++) {
      const p = (y * img.width + x) * 3;
      all++;
      if (img.data[p] < 235 || img.data[p + 1] < 235 || img.data[p + 2] < 235) ink++;
    }
  }
  return all ? ink / all : 0;
}

// The lines of text of every page of a PDF with their boxes (pdftotext -bbox-layout), in points.
async function pdfLines(file) {
  const html = (await sh('pdftotext', ['-bbox-layout', file, '-'])).toString('utf8');
  const pages = [];
  for (const pm of html.matchAll(/<page [^>]*>([\s\S]*?)<\/page>/g)) {
    const lines = [];
    for (const lm of pm[1].matchAll(/<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([\s\S]*?)<\/line>/g)) {
      const text = [...lm[5].matchAll(/<word [^>]*>([^<]*)<\/word>/g)].map((w) => w[1]).join('');
      lines.push({ x0: +lm[1], y0: +lm[2], x1: +lm[3], y1: +lm[4], text });
    }
    pages.push(lines);
  }
  return pages;
}

/*
 * Prints the page shown to PDF (Chromium, A4), renders it at 72 dpi (1 px = 1 pt) with pdftoppm,
 * and returns {pages, images, lines}; a copy at 60 dpi goes to the screenshots as PNG.
 */
async function printed(name) {
  const file = path.join(srv.dir, name + '.pdf');
  await writeFile(file, await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }));
  const dir = path.join(srv.dir, name + '-ppm');
  await mkdir(dir, { recursive: true });
  await sh('pdftoppm', ['-r', '72', file, path.join(dir, 'p')]);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.ppm')).sort();
  const images = await Promise.all(files.map(async (f) => readPpm(await readFile(path.join(dir, f)))));
  await mkdir(SHOTS, { recursive: true });
  await sh('pdftoppm', ['-r', '60', '-png', file, path.join(SHOTS, name)]);
  return { pages: files.length, images, lines: await pdfLines(file) };
}

// The region under the heading TITLE (a chart's h3) down to HEIGHT points: its ink share.
function chartInk(doc, title, height) {
  for (let p = 0; p < doc.lines.length; p++) {
    const line = doc.lines[p].find((l) => l.text.includes(title));
    if (!line) continue;
    const img = doc.images[p];
    const y0 = line.y1 + 4, y1 = Math.min(img.height - 30, y0 + height);
    return { page: p + 1, share: inkShare(img, 40, y0, img.width - 40, y1), y0, y1 };
  }
  return null;
}

test('the brief of a chain opens from the chain page and prints to A4 pages with its charts', async () => {
  await page.goto(srv.base + '/#/chain/nev');
  await page.locator(tid('brief-link')).click();
  await page.locator(tid('brief') + ' ' + tid('brief-figures')).waitFor();
  assert.match(page.url(), /#\/brief\?chain=nev/);
  await chartDrawn(page, tid('brief-chart-nodes'));
  await chartDrawn(page, tid('brief-chart-classes'));
  const api = await apiJson('/api/v1/brief?chain=nev');
  assert.equal(await page.locator(tid('brief-name')).innerText(), api.chains[0].name.zh);
  assert.match(await page.locator(tid('brief-subtitle')).innerText(), new RegExp(api.month + '.*' + api.previous_month));
  assert.match(await page.locator(tid('brief-basis')).innerText(), /上月/, 'the brief says what last month is');
  assert.equal(await page.locator(tid('brief-nodes') + ' tbody tr').count(), api.chains[0].nodes.length, 'every link with its change');
  await screenshot(page, 'brief-nev');

  const doc = await printed('brief-nev');
  assert.ok(doc.pages >= 2 && doc.pages <= 6, `a few A4 pages (${doc.pages})`);
  for (const img of doc.images) {
    assert.ok(Math.abs(img.width - 595) <= 1 && Math.abs(img.height - 842) <= 1, `A4 portrait (${img.width}×${img.height} pt)`);
  }
  const text = doc.lines.flat().map((l) => l.text).join('\n');
  assert.ok(text.includes('产业链运行监测简报'), 'the title is printed');
  assert.ok(!text.includes('退出登录') && !text.includes('评价与名单'), 'no navigation or top bar on paper');
  for (const [title, h] of [['各环节本月与上月产值', 190], ['环节判定', 145]]) {
    const ink = chartInk(doc, title, h);
    assert.ok(ink, `the chart "${title}" is printed`);
    assert.ok(ink.share > 0.02, `the chart "${title}" is drawn on paper (page ${ink.page}, ${(ink.share * 100).toFixed(1)}% ink)`);
  }
  // nothing runs into the margins (a table or chart wider than the paper would)
  doc.images.forEach((img, i) => {
    assert.ok(inkShare(img, img.width - 28, 0, img.width, img.height) < 0.002, `page ${i + 1}: the right margin is blank`);
    assert.ok(inkShare(img, 40, img.height - 28, img.width - 40, img.height) < 0.005, `page ${i + 1}: the bottom margin is blank`);
  });
});

test('the brief of all chains prints every chain with the chart of their change', async () => {
  await page.goto(srv.base + '/#/brief?chain=all');
  await chartDrawn(page, tid('brief-chart-change'));
  await chartDrawn(page, tid('brief-chart-output'));
  const api = await apiJson('/api/v1/brief');
  assert.equal(await page.locator(tid('brief-chains') + ' tbody tr').count(), api.chains.length, 'one row per chain');
  const doc = await printed('brief-all');
  assert.ok(doc.pages >= 2, `pages: ${doc.pages}`);
  const ink = chartInk(doc, '各产业链本月产值较上月变化', 380);
  assert.ok(ink && ink.share > 0.02, `the change chart is drawn on paper (${ink && (ink.share * 100).toFixed(1)}%)`);
  const text = doc.lines.flat().map((l) => l.text).join('');
  for (const c of api.chains.slice(0, 5)) assert.ok(text.includes(c.name.zh), `${c.name.zh} is printed`);
});

test('the brief in English is in English: headings, labels, reasons and the basis', async () => {
  await page.goto(srv.base + '/#/brief?chain=nev');
  await page.locator(tid('brief-figures')).waitFor();
  await page.locator(tid('lang-switch')).click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.locator(tid('brief-figures')).waitFor();
  await chartDrawn(page, tid('brief-chart-nodes'));
  const texts = await page.locator(tid('brief') + ' :is(h1, h2, h3, th, .card-label, .stat-label, ' + tid('brief-basis') + ' p, ' + tid('brief-name') + ')').allInnerTexts();
  const cjk = texts.filter((x) => CJK.test(x));
  assert.deepEqual(cjk, [], 'no Chinese in the brief\'s own words');
  const reasons = await page.locator(tid('brief-gaps') + ' tbody td:nth-child(2)').allInnerTexts();
  assert.ok(reasons.length && reasons.every((x) => !CJK.test(x)), 'the gaps\' reasons in English');
  await screenshot(page, 'brief-nev-en');
  await page.locator(tid('lang-switch')).click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
});

test('other pages print on A4 without the navigation, their charts kept', async () => {
  for (const [name, hash, chartSel, title] of [
    ['print-chain', '#/chain/nev', 'chain-tree', '产业链图谱'],
    ['print-risk', '#/risk', 'risk-outside-chart', '各产业链外部依赖'],
    ['print-dashboard', '#/', 'chart-chain', '各区县（城市）企业数与工业总产值'],
  ]) {
    await page.goto(srv.base + '/' + hash);
    await chartDrawn(page, tid(chartSel));
    const doc = await printed(name);
    const text = doc.lines.flat().map((l) => l.text).join('\n');
    assert.ok(!/评价与名单|退出登录/.test(text), `${name}: no navigation or top bar on paper`);
    assert.ok(doc.images.every((img) => Math.abs(img.width - 595) <= 1), `${name}: A4 pages`);
    const ink = chartInk(doc, title, 150);
    assert.ok(ink, `${name}: the chart's title "${title}" is printed`);
    assert.ok(ink.share > 0.03, `${name}: its chart is drawn below it (page ${ink.page}, ${(ink.share * 100).toFixed(1)}% ink)`);
    // the chart is not cut at the paper's right edge: ink stops before the right margin
    const img = doc.images[ink.page - 1];
    assert.ok(inkShare(img, img.width - 30, ink.y0, img.width, ink.y1) < 0.002, `${name}: nothing printed in the right margin`);
  }
});
