// The single-page shell: layout (left navigation, top bar), the hash router and the session.
// On a narrow screen (style.css, max-width 800px) the navigation is a drawer behind the top
// bar's menu button (aria-expanded); it closes on navigation, on Escape and on a tap beside it.
import { t, onLangChange } from './i18n.js';
import { loadSession, currentUser, logout, errorText } from './api.js';
import { h, clear, parseHash, hashWith, disposeCharts, errorPanel, langButton } from './util.js';
import { findRoute, homeFor, navFor } from './routes.js';

const root = document.getElementById('app');
let gen = 0;          // bumps on every navigation; a page's work is dropped when it is stale
let cleanup = null;   // the current page's teardown

let menuOpen = null;  // (open) → void of the current shell's menu; null on the login page

function layout(user, activeNav, titleKey) {
  const nav = h('nav', { class: 'sidenav', id: 'sidenav', 'aria-label': t('app.title'), testid: 'nav' }, h('div', { class: 'sidenav-inner' },
    h('a', { class: 'brand', href: homeFor(user) },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, t('app.mark')),
      h('span', { class: 'brand-text' },
        h('span', { class: 'brand-title' }, t('app.title')),
        h('span', { class: 'brand-sub' }, t('app.subtitle')))),
    navFor(user).map(([g, items]) => h('div', { class: 'nav-group' },
      g ? h('div', { class: 'nav-group-title' }, t(g)) : null,
      items.map((it) => h('a', {
        class: 'nav-item' + (it.id === activeNav ? ' active' : ''),
        href: it.href, testid: it.testid,
        'aria-current': it.id === activeNav ? 'page' : null,
        onclick: () => setMenu(false),
      }, t(it.label))))),
    user ? h('div', { class: 'nav-user' }, user.username, ' · ', t('role.' + user.role)) : null));

  const menuBtn = h('button', {
    type: 'button', class: 'menu-btn', testid: 'menu-toggle', 'aria-controls': 'sidenav', 'aria-expanded': 'false',
    'aria-label': t('top.menu'), title: t('top.menu'), onclick: () => setMenu(!shell.classList.contains('nav-open')),
  }, h('span', { class: 'menu-icon', 'aria-hidden': 'true' }));
  const backdrop = h('div', { class: 'nav-backdrop', testid: 'nav-backdrop', onclick: () => setMenu(false) });
  const top = h('header', { class: 'topbar' },
    menuBtn,
    h('h1', { class: 'page-title', testid: 'page-title' }, t(titleKey)),
    h('div', { class: 'topbar-right' },
      user ? h('span', { class: 'user', testid: 'current-user', title: t('top.user') },
        h('span', { class: 'user-name' }, user.username),
        h('span', { class: 'badge badge-role' }, t('role.' + user.role))) : null,
      langButton(),
      user ? h('button', { type: 'button', class: 'btn btn-ghost', testid: 'logout', onclick: doLogout }, t('top.logout')) : null));

  const main = h('main', { class: 'page', id: 'page', testid: 'page' });
  const shell = h('div', { class: 'shell' }, nav, backdrop, h('div', { class: 'main-col' }, top, main));
  function setMenu(open) {
    shell.classList.toggle('nav-open', open);
    menuBtn.setAttribute('aria-expanded', open ? 'true' : 'false');
    // below the top bar, whatever its height
    nav.style.setProperty('--nav-top', Math.round(top.getBoundingClientRect().bottom) + 'px');
  }
  menuOpen = setMenu;
  clear(root).appendChild(shell);
  return main;
}

// A page's detail shown over its list on a narrow screen (style.css: .detail-pane.detail-open):
// a bar with a way back to the list (the address without id=), which Escape takes too.
function detailBars(main) {
  for (const pane of main.querySelectorAll('.detail-pane.detail-open')) {
    if (pane.querySelector(':scope > .detail-bar')) continue;
    pane.prepend(h('div', { class: 'detail-bar' },
      h('button', { type: 'button', class: 'btn btn-sm', testid: 'detail-back', onclick: closeDetail }, '← ' + t('common.back'))));
  }
}

function closeDetail() {
  const { path, query } = parseHash(location.hash);
  delete query.id;
  location.hash = hashWith(path, query);
}

document.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Escape') return;
  const shell = root.querySelector('.shell.nav-open');
  if (shell && menuOpen) { menuOpen(false); return; }
  const pane = root.querySelector('.detail-pane.detail-open');
  if (pane && getComputedStyle(pane).position === 'fixed' && !ev.defaultPrevented) closeDetail();
});

async function doLogout() {
  try { await logout(); } catch (_) { /* the session is dropped locally either way */ }
  location.hash = '#/login';
}

async function route() {
  const my = ++gen;
  menuOpen = null;
  if (cleanup) { try { cleanup(); } catch (_) { /* ignore */ } cleanup = null; }
  disposeCharts();

  const { path, query } = parseHash(location.hash);
  const found = findRoute(path);
  const user = currentUser();

  if (found && found.route.login) {
    if (user) { location.replace(query.next ? '#' + query.next : homeFor(user)); return; }
    document.title = t('login.title') + ' · ' + t('app.title');
    const loginPage = await found.route.load();
    if (my !== gen) return;
    clear(root);
    const out = await loginPage.render({ root, query, alive: () => my === gen, home: homeFor });
    if (typeof out === 'function') cleanup = out;
    return;
  }
  if (!user) {
    location.replace('#/login?next=' + encodeURIComponent(path + (location.hash.includes('?') ? location.hash.slice(location.hash.indexOf('?')) : '')));
    return;
  }
  if (path === '/' && (user.role === 'enterprise' || user.role === 'investor')) { location.replace(homeFor(user)); return; }

  const r = found ? found.route : null;
  const main = layout(user, r ? r.nav : null, r ? r.title : 'app.title');
  document.title = (r ? t(r.title) : t('app.title')) + ' · ' + t('app.title');
  if (!r) { main.appendChild(errorPanel(t('err.not_found_page', { path }))); return; }
  if (r.roles && !r.roles.includes(user.role)) { main.appendChild(errorPanel(t('err.forbidden_page'))); return; }
  try {
    const page = await r.load();
    if (my !== gen) return;
    const out = await page.render({
      main, params: found.params, query, user, alive: () => my === gen,
    });
    if (my === gen && typeof out === 'function') cleanup = out;
    if (my === gen) detailBars(main);
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
