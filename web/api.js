// The fetch wrapper every page uses: JSON in and out, the session cookie, the CSRF header on
// writes, API errors turned into readable messages in the current language, and a redirect to
// the login page when the session is gone.
import { t, isZh } from './i18n.js';

const BASE = '/api/v1';
let session = null; // {user:{username, role, uscc, chains}, csrf}
const sessionListeners = new Set();

export function getSession() { return session; }
export function currentUser() { return session ? session.user : null; }
export function setSession(s) {
  session = s && s.user ? s : null;
  for (const fn of sessionListeners) fn(session);
}
export function onSessionChange(fn) { sessionListeners.add(fn); return () => sessionListeners.delete(fn); }

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || '');
    this.status = status;
    this.code = e.code || (status ? 'http_' + status : 'network');
    this.field = e.field || null;
    this.messageEn = e.message || '';
    this.messageZh = e.message_zh || '';
    this.body = body || null; // the whole answer (e.g. a 422's warnings beside its error)
  }

  // The message in the current language, falling back to the other one, then to a generic
  // text. One language at a time: the other language's message and the field's id (a
  // developer's word) are not shown; forms use .field to focus the field.
  text() {
    let s = isZh() ? (this.messageZh || this.messageEn) : (this.messageEn || this.messageZh);
    if (!s) s = this.status ? t('err.http', { status: this.status }) : t('err.network');
    return s;
  }
}

// Any error (ApiError or not) as a readable message in the current language.
export function errorText(err) {
  if (err instanceof ApiError) return err.text();
  return (err && err.message) || String(err);
}

function isWrite(method) { return !['GET', 'HEAD'].includes(method); }

function toLogin() {
  const here = location.hash || '#/';
  if (here.startsWith('#/login')) return;
  location.hash = '#/login?next=' + encodeURIComponent(here.slice(1));
}

// Builds "/api/v1/path?k=v" from a path and an object of query parameters (empty ones dropped).
export function apiUrl(path, query) {
  let url = path.startsWith('/api/') ? path : BASE + path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
    }
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  return url;
}

/*
 * api('/enterprises', {query:{q:'汽车'}}) → parsed JSON.
 * Options: method, query, json (an object sent as JSON), body (sent as is, e.g. a File),
 * headers, redirect401 (default true), signal.
 * Throws ApiError with .text() in the current language.
 */
export async function api(path, opts = {}) {
  const method = (opts.method || (opts.json !== undefined || opts.body !== undefined ? 'POST' : 'GET')).toUpperCase();
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  if (isWrite(method) && session && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  let res;
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method, headers, body, credentials: 'include', signal: opts.signal, cache: 'no-store',
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, null);
  }
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (type.includes('json')) {
    try { data = await res.json(); } catch (_) { data = null; }
  } else if (res.status !== 204) {
    data = await res.text();
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data && typeof data === 'object' ? data : null);
    if (res.status === 401 && opts.redirect401 !== false) {
      setSession(null);
      toLogin();
    }
    throw err;
  }
  return data;
}

// Asks the server who we are; sets the session (or clears it on 401). Never redirects.
export async function loadSession() {
  try {
    const s = await api('/session', { redirect401: false });
    setSession(s);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setSession(null);
    else throw e;
  }
  return session;
}

export async function login(username, password) {
  const s = await api('/login', { method: 'POST', json: { username, password }, redirect401: false });
  setSession(s);
  return s;
}

export async function logout() {
  try {
    await api('/logout', { method: 'POST', json: {}, redirect401: false });
  } finally {
    setSession(null);
  }
}

// Accepts both a bare array and a {items:[…]} page.
export function itemsOf(data) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data.items)) return data.items;
  return [];
}
