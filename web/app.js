// The single-page shell: layout (left navigation, top bar), the hash router and the session.
import { t, onLangChange } from './i18n.js';
import { loadSession, currentUser, logout, errorText } from './api.js';
import { h, clear, parseHash, disposeCharts, errorPanel, langButton } from './util.js';
import * as dashboard from './pages/dashboard.js';
import * as enterprises from './pages/enterprises.js';
import * as enterprise from './pages/enterprise.js';
import * as importPage from './pages/import.js';
import * as admin from './pages/admin.js';
import * as loginPage from './pages/login.js';
import * as chains from './pages/chains.js';
import * as chain from './pages/chain.js';
import * as evalPage from './pages/eval.js';
import * as lists from './pages/lists.js';
import * as cases from './pages/cases.js';
import * as match from './pages/match.js';
import * as risk from './pages/risk.js';

const STAFF = ['admin', 'analyst', 'chief'];
const ALL = ['admin', 'analyst', 'chief', 'enterprise'];
const EDIT = ['admin', 'analyst'];

// path pattern → page. `nav` marks the navigation entry to highlight.
const ROUTES = [
  { re: /^\/$/, page: dashboard, nav: 'dashboard', title: 'nav.dashboard', roles: STAFF },
  { re: /^\/enterprises$/, page: enterprises, nav: 'enterprises', title: 'nav.enterprises', roles: ALL },
  { re: /^\/enterprise\/([0-9A-Za-z]{1,32})$/, page: enterprise, nav: 'enterprises', title: 'prof.title', roles: ALL, keys: ['uscc'] },
  { re: /^\/chains$/, page: chains, nav: 'chains', title: 'chain.compare_title', roles: STAFF },
  { re: /^\/chain\/([0-9A-Za-z_-]{1,64})$/, page: chain, nav: 'chains', title: 'chain.title', roles: STAFF, keys: ['chain'] },
  { re: /^\/eval$/, page: evalPage, nav: 'eval', title: 'nav.eval', roles: STAFF },
  { re: /^\/lists$/, page: lists, nav: 'eval', title: 'nav.eval', roles: STAFF },
  { re: /^\/match$/, page: match, nav: 'match', title: 'nav.match', roles: ALL },
  { re: /^\/risk$/, page: risk, nav: 'risk', title: 'nav.risk', roles: STAFF },
  { re: /^\/cases$/, page: cases, nav: 'cases', title: 'nav.cases', roles: STAFF },
  { re: /^\/import$/, page: importPage, nav: 'import', title: 'nav.import', roles: EDIT },
  { re: /^\/admin$/, page: admin, nav: 'admin', title: 'nav.admin', roles: ['admin'] },
  { re: /^\/login$/, page: loginPage, nav: null, title: 'login.title', roles: null },
];

// The navigation: groups of [id, hash, label key, roles].
function navGroups(user) {
  const groups = [
    [null, [
      ['dashboard', '#/', 'nav.dashboard', STAFF],
      ['enterprises', '#/enterprises', 'nav.enterprises', STAFF],
      ['enterprises', user && user.uscc ? '#/enterprise/' + user.uscc : '#/enterprises', 'nav.my_enterprise', ['enterprise']],
    ]],
    ['nav.group.analysis', [
      ['chains', '#/chains', 'nav.chains', STAFF],
      ['eval', '#/eval', 'nav.eval', STAFF],
      ['match', '#/match', 'nav.match', ALL],
      ['risk', '#/risk', 'nav.risk', STAFF],
      ['cases', '#/cases', 'nav.cases', STAFF],
    ]],
    ['nav.group.data', [
      ['import', '#/import', 'nav.import', EDIT],
    ]],
    ['nav.group.system', [
      ['admin', '#/admin', 'nav.admin', ['admin']],
    ]],
  ];
  const role = user ? user.role : null;
  return groups
    .map(([g, items]) => [g, items.filter((it) => it[3].includes(role))])
    .filter(([, items]) => items.length);
}

const root = document.getElementById('app');
let gen = 0;          // bumps on every navigation; a page's work is dropped when it is stale
let cleanup = null;   // the current page's teardown

function findRoute(path) {
  for (const r of ROUTES) {
    const m = path.match(r.re);
    if (m) {
      const params = {};
      (r.keys || []).forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]); });
      return { route: r, params };
    }
  }
  return null;
}

function homeFor(user) {
  if (user && user.role === 'enterprise' && user.uscc) return '#/enterprise/' + user.uscc;
  return '#/';
}

function layout(user, activeNav, titleKey) {
  const nav = h('nav', { class: 'sidenav', 'aria-label': t('app.title'), testid: 'nav' }, h('div', { class: 'sidenav-inner' },
    h('a', { class: 'brand', href: homeFor(user) },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '链'),
      h('span', { class: 'brand-text' },
        h('span', { class: 'brand-title' }, t('app.title')),
        h('span', { class: 'brand-sub' }, t('app.subtitle')))),
    navGroups(user).map(([g, items]) => h('div', { class: 'nav-group' },
      g ? h('div', { class: 'nav-group-title' }, t(g)) : null,
      items.map(([id, href, key]) => h('a', {
        class: 'nav-item' + (id === activeNav ? ' active' : ''),
        href, testid: 'nav-' + (key === 'nav.my_enterprise' ? 'my-enterprise' : id),
        'aria-current': id === activeNav ? 'page' : null,
      }, t(key)))))));

  const top = h('header', { class: 'topbar' },
    h('h1', { class: 'page-title', testid: 'page-title' }, t(titleKey)),
    h('div', { class: 'topbar-right' },
      user ? h('span', { class: 'user', testid: 'current-user', title: t('top.user') },
        h('span', { class: 'user-name' }, user.username),
        h('span', { class: 'badge badge-role' }, t('role.' + user.role))) : null,
      langButton(),
      user ? h('button', { type: 'button', class: 'btn btn-ghost', testid: 'logout', onclick: doLogout }, t('top.logout')) : null));

  const main = h('main', { class: 'page', id: 'page', testid: 'page' });
  clear(root).appendChild(h('div', { class: 'shell' }, nav, h('div', { class: 'main-col' }, top, main)));
  return main;
}

async function doLogout() {
  try { await logout(); } catch (_) { /* the session is dropped locally either way */ }
  location.hash = '#/login';
}

async function route() {
  const my = ++gen;
  if (cleanup) { try { cleanup(); } catch (_) { /* ignore */ } cleanup = null; }
  disposeCharts();

  const { path, query } = parseHash(location.hash);
  const found = findRoute(path);
  const user = currentUser();

  if (found && found.route.page === loginPage) {
    if (user) { location.replace(query.next ? '#' + query.next : homeFor(user)); return; }
    document.title = t('login.title') + ' · ' + t('app.title');
    clear(root);
    const out = await loginPage.render({ root, query, alive: () => my === gen, home: homeFor });
    if (typeof out === 'function') cleanup = out;
    return;
  }
  if (!user) {
    location.replace('#/login?next=' + encodeURIComponent(path + (location.hash.includes('?') ? location.hash.slice(location.hash.indexOf('?')) : '')));
    return;
  }
  if (path === '/' && user.role === 'enterprise') { location.replace(homeFor(user)); return; }

  const r = found ? found.route : null;
  const main = layout(user, r ? r.nav : null, r ? r.title : 'app.title');
  document.title = (r ? t(r.title) : t('app.title')) + ' · ' + t('app.title');
  if (!r) { main.appendChild(errorPanel(t('err.not_found_page', { path }))); return; }
  if (r.roles && !r.roles.includes(user.role)) { main.appendChild(errorPanel(t('err.forbidden_page'))); return; }
  try {
    const out = await r.page.render({
      main, params: found.params, query, user, alive: () => my === gen,
    });
    if (my === gen && typeof out === 'function') cleanup = out;
  } catch (e) {
    if (my === gen) main.appendChild(errorPanel(errorText(e)));
    console.error(e);
  }
}

window.addEventListener('hashchange', route);
onLangChange(() => route());

async function boot() {
  clear(root).appendChild(h('div', { class: 'boot' }, t('app.loading')));
  try {
    await loadSession();
  } catch (e) {
    clear(root).appendChild(h('div', { class: 'boot' }, errorPanel(errorText(e))));
    return;
  }
  route();
}

boot();
