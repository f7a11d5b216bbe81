// 绿色工厂自评价 (GB/T 36132-2018, issue 16 item 3) on an enterprise profile: the latest year's
// eligibility, total and indicator scores and the requirements not fully met
// (GET /api/v1/enterprises/{uscc}/green-factory); those who may edit the enterprise (the
// enterprise itself, admin, analyst) fill a year's assessment (PUT …/green-factory/{year}).
// The verdict shown is the server's scoring: basic requirements are prerequisites.
import { t, pick } from './i18n.js';
import { api, errorText } from './api.js';
import { h, clear, errorPanel } from './util.js';

function verdict(a, passScore) {
  if (a.eligible) return t('gf.prof.eligible');
  if (!a.basic_met) return t('gf.prof.basic_failed');
  if (!a.mandatory_met) return t('gf.prof.mandatory_failed');
  return passScore != null ? t('gf.prof.below_pass') : t('gf.prof.mandatory_failed');
}

export function greenFactoryPanel(uscc, canEdit, alive) {
  const body = h('div', { testid: 'profile-gf-body' });
  const panel = h('section', { class: 'panel', testid: 'profile-gf', style: { marginTop: '16px' } },
    h('h2', null, t('gf.prof.title')), body);
  const path = '/enterprises/' + encodeURIComponent(uscc) + '/green-factory';
  const draw = (d, model) => {
    clear(body);
    const as = d.assessments || [];
    const last = as[as.length - 1];
    if (!last) body.appendChild(h('p', { class: 'muted', testid: 'gf-none' }, t('gf.prof.none')));
    else {
      body.appendChild(h('p', { testid: 'gf-result', dataset: { eligible: String(last.eligible), score: last.score.toFixed(3) } },
        h('span', { class: 'badge' + (last.eligible ? '' : ' badge-off') }, last.eligible ? '✓' : '✗'), ' ',
        t('gf.prof.result', { year: last.year, score: last.score.toFixed(1), verdict: verdict(last, d.pass_score) })));
      body.appendChild(h('table', { class: 'data small', testid: 'gf-indicators' },
        h('thead', null, h('tr', null, h('th', null, t('gf.indicator')), h('th', { class: 'num' }, t('gf.weight')), h('th', { class: 'num' }, t('gf.score')))),
        h('tbody', null, last.indicators.map((x) => h('tr', { dataset: { indicator: x.id } },
          h('td', null, pick(x.name_zh, x.name_en)), h('td', { class: 'num' }, Math.round(x.weight * 100) + '%'),
          h('td', { class: 'num' }, x.score.toFixed(1)))))));
      if (last.gaps && last.gaps.length) {
        body.appendChild(h('p', { class: 'muted small' }, t('gf.prof.gaps')));
        body.appendChild(h('ul', { class: 'small', testid: 'gf-gaps' }, last.gaps.map((g) =>
          h('li', { dataset: { kind: g.kind } }, '[' + t('gf.kind.' + g.kind) + '] ' + pick(g.text_zh, g.text_en)))));
      }
    }
    body.appendChild(h('p', { class: 'muted small' }, t('gf.prof.note')));
    if (!canEdit || !model) return;
    const prev = last ? last.answers : {};
    const yearIn = h('input', { type: 'number', id: 'gf-year', testid: 'gf-year', value: String(last ? last.year : new Date().getFullYear() - 1), min: 1900, max: 2200 });
    const names = new Map(model.indicators.map((x) => [x.id, pick(x.name_zh, x.name_en)]));
    names.set('basic', t('gf.kind.basic'));
    const selects = model.requirements.map((q) => {
      const sel = h('select', { id: 'gfq-' + q.id, testid: 'gf-q-' + q.id },
        h('option', { value: '' }, '—'),
        model.answers.map((a) => h('option', { value: String(a), selected: prev[q.id] === a }, t('gf.answer.' + a))));
      return [q, sel];
    });
    const msg = h('p', { class: 'small', testid: 'gf-status' });
    const f = h('form', { testid: 'gf-form', novalidate: true },
      h('details', null, h('summary', { testid: 'gf-fill' }, t('gf.prof.fill')),
        h('div', { class: 'form-actions' }, h('label', { for: 'gf-year' }, t('gf.prof.year')), yearIn),
        h('table', { class: 'data' }, h('tbody', null, selects.map(([q, sel]) => h('tr', null,
          h('td', { class: 'small nowrap' }, names.get(q.indicator) + ' · ' + t('gf.kind.' + q.kind)),
          h('td', null, h('label', { for: 'gfq-' + q.id }, pick(q.text_zh, q.text_en))), h('td', null, sel))))),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-sm btn-primary', testid: 'gf-save' }, t('gf.prof.save')), msg)));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const answers = {};
      for (const [q, sel] of selects) if (sel.value !== '') answers[q.id] = Number(sel.value);
      try {
        const d2 = await api(path + '/' + encodeURIComponent(yearIn.value), { method: 'PUT', json: { answers } });
        draw(d2, model);
        body.appendChild(h('p', { class: 'small', testid: 'gf-saved' }, t('gf.prof.saved')));
      } catch (e) {
        msg.textContent = errorText(e);
      }
    });
    body.appendChild(f);
  };
  Promise.all([api(path), canEdit ? api('/green/factory/model') : Promise.resolve(null)]).then(([d, model]) => {
    if (alive()) draw(d, model);
  }).catch((err) => { if (alive()) body.appendChild(errorPanel(errorText(err))); });
  return panel;
}
