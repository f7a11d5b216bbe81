// Shared set-up of the end-to-end tests: a demo database in a temporary folder, users made with
// the CLI, `chainchief serve` on a free loopback port, and headless Debian chromium driven by
// playwright-core (never a downloaded browser).
//
// Environment:
//   CC_BINARY    the chainchief binary (default <repo>/build/chainchief)
//   CC_DATA      passed as --data DIR when set (a data folder instead of the built-in one)
//   CC_WEB       passed as `serve --web DIR` when set (the web files of a folder, for UI work)
//   CC_E2E_BASE  test a server that is already running at this URL instead of starting one
//                (its users must be the ones below)
//   CC_E2E_KEEP  keep the temporary folder (database, server log) after the run
//   CC_TEST_PG   a PostgreSQL server's URL (scripts/pg_tmp.sh's): each platform gets a new
//                database there (tests/api/testdb.py new / drop) instead of an SQLite file, and
//                its uploads folder in the temporary folder (CHAINCHIEF_FILES)
//   CHROMIUM     the browser (default /usr/bin/chromium)
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHOTS = path.join(REPO, 'tests/e2e/screenshots');
export const BINARY = process.env.CC_BINARY || path.join(REPO, 'build/chainchief');

export const USERS = {
  admin: { username: 'admin1', password: 'Admin-pass-1', role: 'admin' },
  analyst: { username: 'ana1', password: 'Ana-pass-1', role: 'analyst' },
  enterprise: { username: 'ent1', password: 'Ent-pass-1', role: 'enterprise' },
};

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/* ---------- GB 32100-2015 unified social credit codes ---------- */

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

// The check character of the first 17 characters of a credit code.
export function usccCheck(s17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(s17[i]);
    if (v < 0) throw new Error(`'${s17[i]}' is not a credit-code character`);
    sum += v * USCC_WEIGHTS[i];
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

// The GB 11714 check character of an 8-digit organisation code body.
function orgCheck(s8) {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(s8[i]) * ORG_WEIGHTS[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

// A valid credit code: enterprise ("91"), REGION, an organisation code from SEED (8 digits).
export function makeUscc(region = '500112', seed = Date.now() % 1e8) {
  const body = String(seed).padStart(8, '0').slice(-8);
  const s17 = '91' + region + body + orgCheck(body);
  return s17 + usccCheck(s17);
}

/* ---------- the server ---------- */

function run(bin, args) {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) {
        err.message += `\n$ ${bin} ${args.join(' ')}\n${stdout}\n${stderr}`;
        reject(err);
      } else resolve(stdout);
    });
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/*
 * Starts a platform on a fresh demo database. Returns
 * {base, dir, db, users, ownUscc, otherUscc, cli(args), stop(), log()}.
 */
export async function startServer({ enterprises = 2000, seed = 5 } = {}) {
  if (process.env.CC_E2E_BASE) return attach(process.env.CC_E2E_BASE.replace(/\/$/, ''));
  if (!existsSync(BINARY)) throw new Error(`no chainchief binary at ${BINARY} (build it, or set CC_BINARY)`);
  const dir = await mkdtemp(path.join(tmpdir(), 'cc-e2e-'));
  const pg = process.env.CC_TEST_PG;
  const testdb = path.join(REPO, 'tests/api/testdb.py');
  const db = pg ? (await run('/usr/bin/python3', [testdb, 'new', 'e2e'])).trim() : path.join(dir, 'e2e.db');
  const global = ['--db', db, ...(process.env.CC_DATA ? ['--data', process.env.CC_DATA] : [])];
  const cli = (args) => run(BINARY, [...global, ...args]);

  await cli(['demo', '--enterprises', String(enterprises), '--seed', String(seed)]);
  const list = JSON.parse(await cli(['--format', 'json', 'enterprise', 'list', '--limit', '2']));
  const [own, other] = list.map((e) => e.uscc);
  const users = structuredClone(USERS);
  users.enterprise.uscc = own;
  for (const u of Object.values(users)) {
    await cli(['user', 'add', u.username, '--role', u.role, '--password', u.password, ...(u.uscc ? ['--uscc', u.uscc] : [])]);
  }

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logChunks = [];
  const serveArgs = [...global, 'serve', '--listen', `127.0.0.1:${port}`, ...(process.env.CC_WEB ? ['--web', process.env.CC_WEB] : [])];
  const env = pg ? { ...process.env, CHAINCHIEF_FILES: path.join(dir, 'files') } : process.env;
  const child = spawn(BINARY, serveArgs, { stdio: ['ignore', 'pipe', 'pipe'], env });
  child.stdout.on('data', (b) => logChunks.push(b));
  child.stderr.on('data', (b) => logChunks.push(b));
  let exited = null;
  const exitP = new Promise((resolve) => child.on('exit', (code, sig) => { exited = { code, sig }; resolve(exited); }));
  const log = () => Buffer.concat(logChunks).toString('utf8');

  const t0 = Date.now();
  for (;;) {
    if (exited) throw new Error(`chainchief serve exited (${JSON.stringify(exited)}) before answering:\n${log()}`);
    try {
      await fetch(base + '/api/v1/session', { signal: AbortSignal.timeout(1000) });
      break; // any status will do
    } catch (_) { /* not listening yet */ }
    if (Date.now() - t0 > 20000) {
      child.kill('SIGKILL');
      throw new Error(`chainchief serve did not answer within 20 s:\n${log()}`);
    }
    await sleep(100);
  }

  async function stop() {
    if (!exited) {
      child.kill('SIGTERM');
      const done = await Promise.race([exitP, sleep(8000).then(() => null)]);
      if (!done) { child.kill('SIGKILL'); await exitP; }
    }
    if (pg && !process.env.CC_E2E_KEEP) await run('/usr/bin/python3', [testdb, 'drop', db]);
    if (!process.env.CC_E2E_KEEP) await rm(dir, { recursive: true, force: true });
    else console.log(`# kept ${dir}`);
    return exited;
  }

  return { base, dir, db, users, ownUscc: own, otherUscc: other, cli, stop, log };
}

// A server somebody else started (CC_E2E_BASE): find the credit codes through the API.
async function attach(base) {
  const users = structuredClone(USERS);
  const loginAs = async (u) => {
    const r = await fetch(base + '/api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: u.username, password: u.password }) });
    if (!r.ok) throw new Error(`cannot log in as ${u.username} at ${base}: HTTP ${r.status}`);
    return { cookie: (r.headers.get('set-cookie') || '').split(';')[0], body: await r.json() };
  };
  const ent = await loginAs(users.enterprise);
  users.enterprise.uscc = ent.body.user.uscc;
  const adm = await loginAs(users.admin);
  const list = await (await fetch(base + '/api/v1/enterprises?limit=5', { headers: { Cookie: adm.cookie } })).json();
  const other = list.items.map((e) => e.uscc).find((u) => u !== users.enterprise.uscc);
  return {
    base, dir: null, db: null, users, ownUscc: users.enterprise.uscc, otherUscc: other,
    cli: () => { throw new Error('no CLI when CC_E2E_BASE is set'); }, stop: async () => null, log: () => '',
  };
}

/* ---------- the browser ---------- */

export async function launchBrowser() {
  await mkdir(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

// A new page (own cookies and storage) that records page errors for the test to check.
export async function newPage(browser, { lang = 'zh-CN' } = {}) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: lang, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: true });
}

// Logs in through the form and waits for the shell (the logout button).
export async function login(page, base, user) {
  await page.goto(base + '/#/login');
  await page.locator('[data-testid=login-user]').fill(user.username);
  await page.locator('[data-testid=login-pass]').fill(user.password);
  await page.locator('[data-testid=login-submit]').click();
  await page.locator('[data-testid=logout]').waitFor();
}

// The set-up most page tests share: startServer(OPTS), one browser, a page logged in as the
// analyst; returns {srv, browser, page}. If a step fails, what was started is stopped again.
// Pair it with closeAnalyst in the file's after hook.
export async function openAnalyst(opts) {
  const srv = await startServer(opts);
  let browser;
  try {
    browser = await launchBrowser();
    const page = await newPage(browser);
    await login(page, srv.base, srv.users.analyst);
    return { srv, browser, page };
  } catch (e) {
    if (browser) await browser.close();
    await srv.stop();
    throw e;
  }
}

export async function closeAnalyst({ srv, browser }) {
  if (browser) await browser.close();
  if (srv) await srv.stop();
}

// Waits until the ECharts chart in SELECTOR has drawn on a canvas of non-zero size; returns
// {width, height, series}.
export async function chartDrawn(page, selector) {
  await page.locator(selector + ' canvas').first().waitFor();
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    const inst = el && window.echarts && window.echarts.getInstanceByDom(el);
    const c = el && el.querySelector('canvas');
    return !!(inst && c && c.width > 0 && c.height > 0);
  }, selector);
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const inst = window.echarts.getInstanceByDom(el);
    const c = el.querySelector('canvas');
    return { width: c.width, height: c.height, series: (inst.getOption().series || []).length };
  }, selector);
}

export async function readText(file) { return readFile(file, 'utf8'); }

// The rows of CSV text (RFC 4180 quoting), each an array of cells {v, quoted}: the value and
// whether it was quoted (LibreOffice leaves numbers unquoted).
export function parseCsv(text) {
  const rows = [];
  let row = [], i = 0;
  while (i < text.length) {
    let v = '', quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') { v += '"'; i += 2; } else if (text[i] === '"') { i++; break; } else v += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') v += text[i++];
    }
    row.push({ v, quoted });
    if (text[i] === ',') { i++; continue; }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    rows.push(row);
    row = [];
  }
  return rows;
}
