// Roles and routes in one place: who may open which page, the address of each page, and the
// navigation built from the same table (app.js reads it; pages ask can() for their role checks).
// A page module is loaded on its first visit (import()), so this file imports no page and any
// page may import it.

// The four roles of DESIGN.md and the sets the pages use.
export const ROLES = ['admin', 'analyst', 'chief', 'enterprise'];
export const STAFF = ['admin', 'analyst', 'chief']; // everyone but an enterprise account
export const EDIT = ['admin', 'analyst'];           // may write registry data, import, edit lists
export const ADMIN = ['admin'];

// Is USER (the session's user, or null) in the role set ROLES?
export function can(user, roles) { return !!user && roles.includes(user.role); }

/*
 * The routes, in navigation order. path: '/a/:key' (a :key matches 1–64 letters, digits, '_'
 * and '-'); load: the page module; title: the page title's string key; roles: who may open it
 * (null: anyone, no session needed); nav: the navigation entry highlighted on the page; menu:
 * the navigation entry this route contributes ({group, label, roles, href(user)}; roles default
 * to the route's, href to the path).
 */
export const ROUTES = [
  { path: '/', load: () => import('./pages/dashboard.js'), title: 'nav.dashboard', roles: STAFF, nav: 'dashboard',
    menu: { group: null, label: 'nav.dashboard' } },
  { path: '/enterprises', load: () => import('./pages/enterprises.js'), title: 'nav.enterprises', roles: ROLES, nav: 'enterprises',
    menu: { group: null, label: 'nav.enterprises', roles: STAFF } },
  { path: '/enterprise/:uscc', load: () => import('./pages/enterprise.js'), title: 'prof.title', roles: ROLES, nav: 'enterprises',
    menu: { group: null, label: 'nav.my_enterprise', roles: ['enterprise'], testid: 'nav-my-enterprise',
      href: (user) => (user && user.uscc ? '#/enterprise/' + user.uscc : '#/enterprises') } },
  { path: '/chains', load: () => import('./pages/chains.js'), title: 'chain.compare_title', roles: STAFF, nav: 'chains',
    menu: { group: 'nav.group.analysis', label: 'nav.chains' } },
  { path: '/chain/:chain', load: () => import('./pages/chain.js'), title: 'chain.title', roles: STAFF, nav: 'chains' },
  { path: '/brief', load: () => import('./pages/brief.js'), title: 'brief.title', roles: STAFF, nav: 'chains' },
  { path: '/eval', load: () => import('./pages/eval.js'), title: 'nav.eval', roles: STAFF, nav: 'eval',
    menu: { group: 'nav.group.analysis', label: 'nav.eval' } },
  { path: '/lists', load: () => import('./pages/lists.js'), title: 'nav.eval', roles: STAFF, nav: 'eval' },
  { path: '/match', load: () => import('./pages/match.js'), title: 'nav.match', roles: ROLES, nav: 'match',
    menu: { group: 'nav.group.analysis', label: 'nav.match' } },
  { path: '/risk', load: () => import('./pages/risk.js'), title: 'nav.risk', roles: STAFF, nav: 'risk',
    menu: { group: 'nav.group.analysis', label: 'nav.risk' } },
  { path: '/innovation', load: () => import('./pages/innov.js'), title: 'innov.title', roles: STAFF, nav: 'innovation',
    menu: { group: 'nav.group.analysis', label: 'nav.innovation' } },
  { path: '/listing', load: () => import('./pages/listing.js'), title: 'lst.title', roles: [...ROLES, 'investor'], nav: 'listing',
    menu: { group: 'nav.group.analysis', label: 'nav.listing' } },
  { path: '/cases', load: () => import('./pages/cases.js'), title: 'nav.cases', roles: STAFF, nav: 'cases',
    menu: { group: 'nav.group.analysis', label: 'nav.cases' } },
  { path: '/green', load: () => import('./pages/green.js'), title: 'nav.green', roles: STAFF, nav: 'green',
    menu: { group: 'nav.group.analysis', label: 'nav.green' } },
  { path: '/digital', load: () => import('./pages/digital.js'), title: 'nav.digital', roles: STAFF, nav: 'digital',
    menu: { group: 'nav.group.analysis', label: 'nav.digital' } },
  { path: '/import', load: () => import('./pages/import.js'), title: 'nav.import', roles: EDIT, nav: 'import',
    menu: { group: 'nav.group.data', label: 'nav.import' } },
  { path: '/reports', load: () => import('./pages/reports.js'), title: 'rep.title', roles: ROLES, nav: 'reports',
    menu: { group: 'nav.group.data', label: 'nav.reports' } },
  { path: '/completion', load: () => import('./pages/completion.js'), title: 'rep.title_completion', roles: STAFF, nav: 'completion',
    menu: { group: 'nav.group.data', label: 'nav.completion' } },
  { path: '/admin', load: () => import('./pages/admin.js'), title: 'nav.admin', roles: ADMIN, nav: 'admin',
    menu: { group: 'nav.group.system', label: 'nav.admin' } },
  { path: '/login', load: () => import('./pages/login.js'), title: 'login.title', roles: null, nav: null, login: true },
];

const compiled = ROUTES.map((r) => {
  const keys = [];
  const src = r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, k) => { keys.push(k); return '([0-9A-Za-z_-]{1,64})'; });
  return { route: r, re: new RegExp('^' + src + '$'), keys };
});

// PATH (the hash without '#' and query) → {route, params}, or null when no route matches.
export function findRoute(path) {
  for (const { route, re, keys } of compiled) {
    const m = path.match(re);
    if (m) {
      const params = {};
      keys.forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]); });
      return { route, params };
    }
  }
  return null;
}

// Where USER starts: an enterprise account on its own profile, a chief on their chains (the
// comparison shows only the chains assigned to them), everyone else on the dashboard.
export function homeFor(user) {
  if (user && user.role === 'enterprise' && user.uscc) return '#/enterprise/' + user.uscc;
  if (user && user.role === 'chief') return '#/chains';
  if (user && user.role === 'investor') return '#/listing';
  return '#/';
}

// The navigation USER sees: [[group label key or null, [{id, href, label, testid}]]], in the
// order of ROUTES, groups without an entry for USER left out.
export function navFor(user) {
  const groups = new Map();
  for (const r of ROUTES) {
    const m = r.menu;
    if (!m || !can(user, m.roles || r.roles)) continue;
    if (!groups.has(m.group)) groups.set(m.group, []);
    groups.get(m.group).push({
      id: r.nav, label: m.label, testid: m.testid || 'nav-' + r.nav,
      href: m.href ? m.href(user) : '#' + r.path,
    });
  }
  return [...groups.entries()];
}
