// 智能制造 (issue 16, item 4): a year's maturity self-assessments (GET /api/v1/digital/summary):
// the distribution of GB/T 39116 levels overall, by district and by chain (stacked bars), and
// the 两化融合 indicators against the national targets. Address: #/digital?year=&region=
import { t, pick, isZh } from '../i18n.js';
import { api, errorText } from '../api.js';
import { h, clear, chart, hashWith, errorPanel } from '../util.js';
import { count, pct, money, num } from '../format.js';
import { table } from '../table.js';
import { asOfLine } from '../asof.js';

export async function render({ main, query, alive }) {
  const year = (query && query.year) || '';
  const region = (query && query.region) || '';
  main.appendChild(h('div', { class: 'muted', testid: 'loading' }, t('common.loading')));
  let d, rs, rl;
  try {
    [d, rs, rl] = await Promise.all([
      api('/digital/summary', { query: { year, region } }),
      api('/retrofits/summary', { query: { region } }),
      api('/retrofits', { query: { region } }),
    ]);
  } catch (e) {
    if (alive()) clear(main).appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  main.textContent = '';
  const regionIn = h('input', { type: 'text', id: 'd-region', testid: 'digital-region', value: region, size: 8, inputmode: 'numeric' });
  const form = h('form', { class: 'panel panel-tight', testid: 'digital-scope' },
    h('div', { class: 'form-actions', style: { marginTop: 0 } },
      h('label', { for: 'd-region', class: 'muted' }, t('digital.region')), regionIn,
      h('button', { type: 'submit', class: 'btn btn-sm btn-primary', testid: 'digital-apply' }, t('common.search')),
      h('a', { class: 'btn btn-sm btn-ghost', href: '#/digital' }, t('common.reset'))));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = hashWith('/digital', { year, region: regionIn.value.trim() }); });
  main.appendChild(form);
  main.appendChild(asOfLine(d.as_of)); // 数据截至 (web/asof.js)

  const tot = d.totals || {};
  const names = (d.level_names || []).map((l) => pick(l.level_zh, l.level_en));
  const cards = [
    ['assessed', count(tot.assessed)],
    ['cnc_rate', pct(tot.cnc_rate) + ' / ' + pct(d.target_cnc_rate, 0)],
    ['rd_tool_rate', pct(tot.rd_tool_rate) + ' / ' + pct(d.target_rd_tool_rate, 0)],
    ['networking_rate', pct(tot.networking_rate)],
    ['factories', [tot.factory_5g, tot.demonstration, tot.lighthouse].map((x) => count(x)).join(' / ')],
  ];
  main.appendChild(h('div', { class: 'cards', testid: 'digital-totals' },
    cards.map(([k, v]) => h('div', { class: 'card', testid: 'digital-total-' + k },
      h('div', { class: 'card-label' }, t('digital.total.' + k)), h('div', { class: 'card-value' }, v)))));
  main.appendChild(h('p', { class: 'muted small', testid: 'digital-note' }, t('digital.note', { year: d.year || '—' })));

  const stacked = (rows, label) => {
    const r = rows.filter((x) => x.assessed > 0).sort((a, b) => b.assessed - a.assessed).slice(0, 25).reverse();
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: r.map(label) },
      series: names.map((n, l) => ({ name: n, type: 'bar', stack: 'level', data: r.map((x) => x.levels[l]) })),
    };
  };
  const elAll = h('div', { class: 'chart', testid: 'chart-digital-levels' });
  const elDistrict = h('div', { class: 'chart chart-tall', testid: 'chart-digital-district' });
  const elChain = h('div', { class: 'chart chart-tall', testid: 'chart-digital-chain' });
  main.appendChild(h('section', { class: 'panel' }, h('h2', null, t('digital.levels')), elAll));
  main.appendChild(h('section', { class: 'panel' }, h('h2', null, t('digital.by_district')), elDistrict));
  main.appendChild(h('section', { class: 'panel' }, h('h2', null, t('digital.by_chain')), elChain));
  chart(elAll, {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: names },
    yAxis: { type: 'value' },
    series: [{ name: t('digital.total.assessed'), type: 'bar', data: tot.levels || [], label: { show: true, position: 'top' } }],
  }, { empty: t('digital.empty') });
  chart(elDistrict, stacked(d.districts || [], (x) => pick(x.name, x.name_en) || String(x.region)), { empty: t('digital.empty') });
  chart(elChain, stacked(d.chains || [], (x) => pick(x.name, x.name_en) || x.chain), { empty: t('digital.empty') });

  main.appendChild(h('section', { class: 'panel', testid: 'digital-chains' }, h('h2', null, t('digital.chain_table')),
    table(d.chains || [], {
      testid: 'digital-chain-table',
      row: (x) => ({ testid: 'digital-chain-row', dataset: { chain: x.chain } }),
      export: { name: t('digital.chain_table'), title: t('digital.chain_table') },
      columns: [
        { key: 'name', label: t('digital.col.chain'), sort: true, render: (x) => pick(x.name, x.name_en) },
        { key: 'assessed', label: t('digital.total.assessed'), align: 'num', sort: true, exportType: 'number' },
        { key: 'high', label: t('digital.col.high'), align: 'num', sort: (x) => x.levels[3] + x.levels[4] + x.levels[5], render: (x) => count(x.levels[3] + x.levels[4] + x.levels[5]), exportValue: (x) => x.levels[3] + x.levels[4] + x.levels[5], exportType: 'number' },
        { key: 'cnc_rate', label: t('digital.total.cnc_rate'), align: 'num', sort: true, render: (x) => pct(x.cnc_rate), exportType: 'percent' },
        { key: 'rd_tool_rate', label: t('digital.total.rd_tool_rate'), align: 'num', sort: true, render: (x) => pct(x.rd_tool_rate), exportType: 'percent' },
        { key: 'factory_5g', label: t('digital.col.factory_5g'), align: 'num', sort: true, exportType: 'number' },
      ],
    })));

  // 服务商匹配 (issue 16, item 6): the providers the matching engine ranks for a project's need
  // (a planned project's need is posted as a service demand); shown below the register.
  const box = h('section', { class: 'panel', testid: 'retrofit-providers', hidden: true });
  // 技改项目: totals by kind and the register, newest first.
  const rt = rs.totals || {};
  main.appendChild(h('section', { class: 'panel', testid: 'retrofits' }, h('h2', null, t('retro.title')),
    h('p', { class: 'muted small', testid: 'retrofit-totals' }, t('retro.totals', {
      n: count(rt.projects), done: count(rt.completed), inv: money(rt.investment), saved: num(rt.energy_saved, 0),
    })),
    table(rl.items || [], {
      testid: 'retrofit-table',
      pageSize: 20,
      row: (x) => ({ testid: 'retrofit-row', dataset: { id: String(x.id) } }),
      filter: { text: (x) => [x.name, x.uscc, x.title, x.provider || ''].join(' '), placeholder: t('retro.filter'), testid: 'retrofit-filter' },
      export: { name: t('retro.title'), title: t('retro.title') },
      columns: [
        { key: 'name', label: t('retro.col.enterprise'), sort: true, render: (x) => h('a', { href: '#/enterprise/' + encodeURIComponent(x.uscc) }, x.name) },
        { key: 'title', label: t('retro.col.title'), sort: true },
        { key: 'kind', label: t('retro.col.kind'), sort: true, render: (x) => t('retro.kind.' + x.kind), exportValue: (x) => t('retro.kind.' + x.kind) },
        { key: 'status', label: t('retro.col.status'), sort: true, render: (x) => t('retro.status.' + x.status), exportValue: (x) => t('retro.status.' + x.status) },
        { key: 'investment', label: t('retro.col.investment'), align: 'num', sort: true, render: (x) => money(x.investment), exportType: 'number' },
        { key: 'saved', label: t('retro.col.saved'), align: 'num', sort: (x) => x.measured_saved ?? x.expected_saved, render: (x) => num(x.measured_saved ?? x.expected_saved, 0), exportValue: (x) => x.measured_saved ?? x.expected_saved, exportType: 'number' },
        { key: 'provider', label: t('retro.col.provider'), sort: true, render: (x) => x.provider || '—' },
        { key: 'match', label: t('retro.col.match'), export: false,
          render: (x) => (x.need_posting ? h('button', { type: 'button', class: 'btn btn-sm', testid: 'retrofit-match', onclick: () => providers(box, x, alive) }, t('retro.match')) : '—') },
      ],
      empty: t('retro.empty'),
    })));
  main.appendChild(box);
}

// The solution providers of project X's need (GET /retrofits/{id}/providers) into BOX: rank,
// provider, offer, score and each component's value, weight, contribution and reason.
async function providers(box, x, alive) {
  box.hidden = false;
  clear(box).appendChild(h('div', { class: 'muted' }, t('common.loading')));
  let r;
  try {
    r = await api('/retrofits/' + x.id + '/providers', { query: { limit: 20 } });
  } catch (e) {
    if (alive()) clear(box).appendChild(errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  const zh = isZh();
  const score = (v) => (v * 100).toFixed(1);
  clear(box).append(
    h('h2', null, t('retro.providers', { title: x.title })),
    h('p', { class: 'muted small', testid: 'providers-note' }, t('retro.providers_note', { n: count(r.total) })),
    table(r.items || [], {
      testid: 'provider-table',
      pageSize: 20,
      row: (m) => ({ testid: 'provider-row', dataset: { id: String(m.id), uscc: m.uscc } }),
      export: { name: t('retro.providers', { title: x.title }), title: t('retro.providers', { title: x.title }) },
      columns: [
        { key: 'rank', label: '#', align: 'num', exportType: 'number' },
        { key: 'enterprise', label: t('retro.col.provider_name'), render: (m) => [h('div', null, h('a', { href: '#/enterprise/' + encodeURIComponent(m.uscc) }, m.enterprise)), h('div', { class: 'small muted' }, m.region_name || m.region)] },
        { key: 'title', label: t('retro.col.offer') },
        { key: 'score', label: t('retro.col.score'), align: 'num', render: (m) => h('strong', null, score(m.score)), exportValue: (m) => m.score, exportType: 'number' },
        { key: 'why', label: t('retro.col.why'), exportValue: (m) => (m.explanation || []).map((c) => (zh ? c.reason_zh : c.reason_en)).join('; '),
          render: (m) => h('table', { class: 'data-compact', testid: 'provider-explanation' }, h('tbody', null, ...(m.explanation || []).map((c) =>
            h('tr', { dataset: { component: c.component } },
              h('td', null, zh ? c.name_zh : t('retro.comp.' + c.component)),
              h('td', { class: 'num' }, num(c.value, 2) + ' × ' + num(c.weight, 2)),
              h('td', { class: 'num' }, num(c.contribution, 3)),
              h('td', { class: 'small' }, zh ? c.reason_zh : c.reason_en))))) },
      ],
      empty: t('retro.no_providers'),
    }));
  box.scrollIntoView({ block: 'start' });
}
