// Login: user name + password → POST /api/v1/login, then on to where the user was going.
import { t } from '../i18n.js';
import { login, errorText } from '../api.js';
import { h, statusBox, langButton } from '../util.js';

export async function render({ root, query, home }) {
  const user = h('input', { type: 'text', id: 'login-user', name: 'username', testid: 'login-user', autocomplete: 'username', required: true, autofocus: true });
  const pass = h('input', { type: 'password', id: 'login-pass', name: 'password', testid: 'login-pass', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'login-submit' }, t('login.submit'));
  const status = statusBox('login-error');

  const form = h('form', { class: 'login-form', testid: 'login-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'login-user' }, t('login.user')), user),
    h('div', { class: 'field' }, h('label', { for: 'login-pass' }, t('login.pass')), pass),
    submit, status);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.hide();
    if (!user.value.trim() || !pass.value) {
      status.show('error', t('login.required'));
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.busy');
    try {
      const s = await login(user.value.trim(), pass.value);
      location.hash = query.next && query.next.startsWith('/') && !query.next.startsWith('/login') ? '#' + query.next : home(s.user);
    } catch (e) {
      // Errors in both languages: the current one first, the other below it.
      status.show('error', errorText(e));
      pass.value = '';
      pass.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  });

  root.appendChild(h('div', { class: 'login-page', testid: 'login-page' },
    h('div', { class: 'login-top' }, langButton()),
    h('div', { class: 'login-card' },
      h('div', { class: 'brand' },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, t('app.mark')),
        h('span', { class: 'brand-text' },
          h('span', { class: 'brand-title' }, t('app.title')),
          h('span', { class: 'brand-sub' }, t('app.subtitle')))),
      h('h2', null, t('login.title')),
      h('p', { class: 'lead' }, t('login.intro')),
      form),
    h('div', { class: 'login-footer' }, t('login.footer'))));
  user.focus();
}
