// Areas not built yet: say so plainly, and what the area will do.
import { t } from '../i18n.js';
import { h } from '../util.js';

export async function render({ main, area }) {
  main.appendChild(h('section', { class: 'panel notbuilt', testid: 'not-built', dataset: { area } },
    h('div', { class: 'notbuilt-icon', 'aria-hidden': 'true' }, '!'),
    h('h2', null, t('ph.' + area + '.title')),
    h('p', { testid: 'not-built-text' }, h('strong', null, t('ph.not_built'))),
    h('p', null, t('ph.will_do')),
    h('p', { testid: 'not-built-what' }, t('ph.' + area + '.what'))));
}
