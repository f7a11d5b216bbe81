// Innovation chain (创新链, issue 17): a chain's technology map — per node the local patents in
// force by IPC (GET /api/v1/innovation/chains/{chain}), their growth, holders and the nodes with
// none (the gaps challenges are drawn from) — and the application-number check
// (GET /api/v1/patents/check). Address: #/innovation?chain=&scope=&year=
import { t, pick, isZh } from '../i18n.js';
import { api, errorText, currentUser } from '../api.js';
import { can, EDIT } from '../routes.js';
import { h, clear, fmtInt, fmtNum, chart, hashWith, errorPanel, isNum } from '../util.js';
import { scopeSelector, growthColumn } from '../chainkit.js';
import { table } from '../table.js';
import { asOfLine } from '../asof.js';

export async function render({ main, query, alive }) {
  main.appendChild(h('div', { class: 'muted', testid: 'loading' }, t('common.loading')));
  let cat;
  try { cat = await api('/chains'); } catch (e) { if (alive()) clear(main).appendChild(errorPanel(errorText(e))); return; }
  if (!alive()) return;
  // A chief reads only their own chains: the selector offers those (the server refuses others).
  const user = currentUser();
  const mine = user && user.role === 'chief' && (user.chains || []).length ? new Set(user.chains) : null;
  const list = (Array.isArray(cat) ? cat : (cat.items || cat.chains || [])).filter((c) => !mine || mine.has(c.id));
  const chainId = query.chain || (list[0] && list[0].id);
  const go = (q) => { location.hash = hashWith('/innovation', { chain: chainId, scope: query.scope, year: query.year, ...q }); };
  const sel = h('select', { id: 'innov-chain', testid: 'innov-chain-select', onchange: () => go({ chain: sel.value }) },
    list.map((c) => h('option', { value: c.id, selected: c.id === chainId }, pick(c.name_zh, c.name_en))));

  let d;
  try {
    d = await api('/innovation/chains/' + encodeURIComponent(chainId), { query: { scope: query.scope, year: query.year } });
  } catch (e) {
    if (!alive()) return;
    clear(main).append(h('div', { class: 'panel-head' }, h('label', { class: 'muted small' }, t('innov.chain'), ' ', sel)), errorPanel(errorText(e)));
    return;
  }
  if (!alive()) return;
  clear(main);
  main.appendChild(h('section', { class: 'panel panel-tight' },
    h('div', { class: 'panel-head' }, h('label', { class: 'muted small' }, t('innov.chain'), ' ', sel)),
    scopeSelector(query.scope || '', d.scope, (s) => go({ scope: s }))));
  main.appendChild(asOfLine(d.as_of)); // 数据截至 (web/asof.js)

  const nodes = d.nodes || [];
  const mapped = nodes.filter((n) => n.ipc);
  const gaps = mapped.filter((n) => n.stock === 0);
  // Technologies the commission marked absent, wherever their node stands.
  const absent = [];
  for (const n of nodes) for (const x of n.technologies || []) if (x.status === 'absent') absent.push({ n, x });
  main.appendChild(h('p', { class: 'muted', testid: 'innov-summary' }, t('innov.summary', {
    chain: pick(d.name_zh, d.name_en), scope: pick(d.scope.name_zh, d.scope.name_en), year: d.scope.year,
    mapped: fmtInt(d.nodes_mapped), total: fmtInt(d.nodes_total), gaps: fmtInt(d.nodes_without_patents), patents: fmtInt(d.patents),
  })));

  const bare = nodes.filter((n) => !(n.platforms || []).length);
  main.appendChild(h('p', { class: 'muted', testid: 'innov-coverage' }, t('innov.coverage', { none: fmtInt(bare.length), total: fmtInt(nodes.length) })));

  // The technology map: one bar per mapped node.
  const elChart = h('div', { class: 'chart chart-tall', testid: 'innov-chart', id: 'innov-chart' });
  main.appendChild(h('section', { class: 'panel' },
    h('div', { class: 'panel-head' }, h('h2', null, t('innov.map_title')), h('span', { class: 'muted small' }, t('innov.map_hint'))),
    elChart));
  chart(elChart, barOption(mapped), { empty: t('innov.empty') });

  // The gaps: mapped nodes with no local patent in force.
  main.appendChild(h('section', { class: 'panel', testid: 'innov-gaps' },
    h('h2', null, t('innov.gaps_title')),
    gaps.length
      ? h('ul', { class: 'plain' }, gaps.map((n) => h('li', { testid: 'innov-gap', dataset: { node: n.id } },
        h('strong', null, pick(n.name_zh, n.name_en)), ' ',
        h('span', { class: 'muted small' }, [n.ipc, techText(n)].filter(Boolean).join(' · ')))))
      : h('p', { class: 'muted' }, t('innov.no_gaps')),
    absent.length ? h('h3', null, t('innov.absent_title')) : null,
    absent.length ? h('ul', { class: 'plain' }, absent.map(({ n, x }) => h('li', { testid: 'innov-absent', dataset: { node: n.id } },
      h('strong', null, pick(n.name_zh, n.name_en)), ' · ', x.name, x.chokepoint ? h('span', { class: 'badge neg' }, ' ' + t('innov.chokepoint')) : null))) : null));

  // The table of every node.
  main.appendChild(h('section', { class: 'panel' },
    h('h2', null, t('innov.table_title')),
    table(nodes, {
      testid: 'innov-table', id: 'innov-table',
      export: { name: t('innov.title'), filters: () => [[t('innov.chain'), pick(d.name_zh, d.name_en)], [t('common.year'), d.scope.year]] },
      row: (n) => ({ dataset: { node: n.id }, testid: 'innov-row' }),
      columns: [
        { key: 'name', label: t('innov.col.node'), class: 'col-name', sort: (n) => pick(n.name_zh, n.name_en),
          render: (n) => h('span', { style: { paddingLeft: (n.depth || 0) + 'em' } }, pick(n.name_zh, n.name_en)) },
        { key: 'ipc', label: t('innov.col.ipc'), class: 'small', render: (n) => n.ipc || h('span', { class: 'muted' }, t('innov.no_ipc')) },
        isZh() ? { key: 'technologies', label: t('innov.col.tech'), class: 'small', render: techText } : null,
        { key: 'stock', label: t('innov.col.stock'), align: 'num', sort: true, render: (n) => (isNum(n.stock) ? fmtInt(n.stock) : t('common.unknown')) },
        { key: 'inventions', label: t('innov.col.inventions'), align: 'num', sort: true, render: (n) => (isNum(n.inventions) ? fmtInt(n.inventions) : t('common.unknown')) },
        growthColumn('growth', t('innov.col.growth'), { sort: true }),
        { key: 'holders', label: t('innov.col.holders'), align: 'num', sort: true, render: (n) => (isNum(n.holders) ? fmtInt(n.holders) : t('common.unknown')) },
        { key: 'filed', label: t('innov.col.filed'), align: 'num', sort: true, render: (n) => (isNum(n.filed) ? fmtInt(n.filed) : t('common.unknown')) },
        { key: 'platforms', label: t('innov.col.platforms'), class: 'small', sort: (n) => (n.platforms || []).length,
          render: (n) => ((n.platforms || []).length ? registryText(n.platforms) : h('span', { class: 'muted' }, t('innov.none'))) },
        { key: 'consortia', label: t('innov.col.consortia'), class: 'small', sort: (n) => (n.consortia || []).length,
          render: (n) => ((n.consortia || []).length ? registryText(n.consortia) : '') },
        { key: 'top', label: t('innov.col.top'), class: 'small',
          render: (n) => (n.top_holders || []).map((x, i) => [i ? '、' : '', h('a', { href: '#/enterprise/' + encodeURIComponent(x.uscc) }, x.name), ' (' + fmtInt(x.stock) + ')']) },
      ].filter(Boolean),
    })));

  main.appendChild(await challengesPanel(chainId, nodes, alive));
  if (can(currentUser(), EDIT)) main.appendChild(techForm(d, nodes, chainId));
  main.appendChild(checkPanel());
}

// The chain's challenges (揭榜挂帅) and, for the one chosen, its applicants ranked with each
// component's contribution (GET …/challenges/{id}/applicants).
async function challengesPanel(chainId, nodes, alive) {
  const box = h('section', { class: 'panel', testid: 'innov-challenges' }, h('h2', null, t('innov.challenges_title')));
  let list = [];
  try { list = (await api('/innovation/challenges')).filter((c) => c.chain === chainId); } catch (e) { box.appendChild(errorPanel(errorText(e))); return box; }
  if (!alive()) return box;
  if (!list.length) { box.appendChild(h('p', { class: 'muted' }, t('innov.no_challenges'))); return box; }
  const nodeName = (id) => { const n = nodes.find((x) => x.id === id); return n ? pick(n.name_zh, n.name_en) : id; };
  const out = h('div', { testid: 'innov-applicants' });
  const show = async (c) => {
    clear(out);
    let r;
    try { r = await api('/innovation/challenges/' + c.id + '/applicants'); } catch (e) { out.appendChild(errorPanel(errorText(e))); return; }
    out.appendChild(table(r.applicants || [], {
      testid: 'applicant-table',
      row: (x) => ({ dataset: { uscc: x.uscc }, testid: 'applicant-row' }),
      columns: [
        { key: 'rank', label: t('innov.col.rank'), align: 'num', render: (x) => fmtInt(x.rank) },
        { key: 'name', label: t('innov.col.applicant'), class: 'col-name', render: (x) => h('a', { href: '#/enterprise/' + encodeURIComponent(x.uscc) }, x.name) },
        { key: 'score', label: t('innov.col.score'), align: 'num', render: (x) => fmtNum(x.score * 100, 1) },
        ...['inventions', 'patents', 'platform', 'membership', 'local', 'text'].map((id) => ({
          key: 'c_' + id, label: t('innov.comp.' + id), align: 'num', title: t('innov.comp_hint'),
          render: (x) => fmtNum(((x.components || []).find((c) => c.id === id) || {}).contribution * 100, 1),
        })),
        // The matching engine's explanation: each component's value × weight and its reason.
        { key: 'why', label: t('innov.col.why'), class: 'small',
          render: (x) => h('details', { testid: 'applicant-why' }, h('summary', null, t('innov.explain')),
            h('table', { class: 'data-compact', testid: 'applicant-explanation' }, h('tbody', null, ...(x.components || []).map((c) =>
              h('tr', { dataset: { component: c.component || c.id } },
                h('td', null, isZh() ? c.name_zh : t('innov.comp.' + c.id)),
                h('td', { class: 'num' }, fmtNum(c.value, 2) + ' × ' + fmtNum(c.weight, 2)),
                h('td', { class: 'num' }, fmtNum(c.contribution * 100, 1)),
                h('td', null, isZh() ? c.reason_zh : c.reason_en)))))) },
      ],
    }));
  };
  box.appendChild(h('ul', { class: 'plain' }, list.map((c) => h('li', { testid: 'challenge-row', dataset: { id: String(c.id) } },
    h('button', { type: 'button', class: 'btn btn-sm', testid: 'challenge-open', onclick: () => show(c) }, c.title), ' · ',
    nodeName(c.node), isZh() ? ' · ' + c.technology : '', ' · ', t('innov.challenge_status.' + c.status)))));
  box.appendChild(h('p', { class: 'muted small' }, t('innov.comp_hint')));
  box.appendChild(out);
  return box;
}

// The commission sets a key technology's status (PUT …/technologies), then the map reloads.
function techForm(d, nodes, chainId) {
  const nodeSel = h('select', { testid: 'tech-node' }, nodes.map((n) => h('option', { value: n.id }, pick(n.name_zh, n.name_en))));
  const techBox = h('input', { type: 'text', testid: 'tech-name', list: 'tech-names', placeholder: t('innov.tech_ph') });
  const names = h('datalist', { id: 'tech-names' });
  const fill = () => {
    clear(names);
    const n = nodes.find((x) => x.id === nodeSel.value);
    for (const x of (n && n.technologies) || []) names.appendChild(h('option', { value: x.name }));
  };
  nodeSel.addEventListener('change', fill);
  fill();
  const status = h('select', { testid: 'tech-status' }, ['leading', 'catching_up', 'absent'].map((v) => h('option', { value: v }, t('innov.status.' + v))));
  const choke = h('input', { type: 'checkbox', testid: 'tech-chokepoint' });
  const msg = h('span', { class: 'muted small', testid: 'tech-msg' });
  const save = async () => {
    msg.textContent = '';
    try {
      await api('/innovation/chains/' + encodeURIComponent(chainId) + '/nodes/' + encodeURIComponent(nodeSel.value) + '/technologies',
        { method: 'PUT', json: { technology: techBox.value.trim(), status: status.value, chokepoint: choke.checked } });
      location.reload();
    } catch (e) { msg.textContent = errorText(e); }
  };
  return h('section', { class: 'panel', testid: 'tech-form' },
    h('h2', null, t('innov.tech_title')),
    h('p', null, nodeSel, ' ', techBox, names, ' ', status, ' ', h('label', null, choke, ' ', t('innov.chokepoint')), ' ',
      h('button', { type: 'button', testid: 'tech-save', onclick: save }, t('innov.tech_save')), ' ', msg));
}

// Platforms and consortia are registered under Chinese names: listed on the Chinese screen,
// counted on the English one.
function registryText(list) { return isZh() ? list.map((x) => x.name).join('；') : fmtInt(list.length); }

// The catalogue names key technologies in Chinese only: shown on the Chinese screen.
// A technology's status follows its name (领先 / 跟跑 / 空白, 卡脖子).
function techText(n) {
  if (!isZh()) return '';
  return (n.technologies || []).map((x) => x.name + (x.status ? '（' + t('innov.status.' + x.status) + (x.chokepoint ? '，' + t('innov.chokepoint') : '') + '）' : '')).join('、');
}

function barOption(mapped) {
  const names = mapped.map((n) => pick(n.name_zh, n.name_en));
  return {
    grid: { left: 16, right: 24, top: 30, bottom: 90, containLabel: true },
    tooltip: { trigger: 'axis', confine: true },
    legend: { top: 0 },
    xAxis: { type: 'category', data: names, axisLabel: { rotate: 40, interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('innov.series.stock'), type: 'bar', data: mapped.map((n) => n.stock) },
      { name: t('innov.series.inventions'), type: 'bar', data: mapped.map((n) => n.inventions) },
    ],
  };
}

// The application-number check: one line per number, valid or the reason.
function checkPanel() {
  const box = h('input', { type: 'text', id: 'innov-check-input', testid: 'innov-check-input', placeholder: t('innov.check_ph'), size: 48 });
  const out = h('ul', { class: 'plain', testid: 'innov-check-out' });
  const run = async () => {
    clear(out);
    const v = box.value.trim();
    if (!v) return;
    try {
      const r = await api('/patents/check', { query: { number: v } });
      for (const x of r) {
        out.appendChild(h('li', { testid: 'innov-check-row', dataset: { valid: String(x.valid) } },
          h('code', null, x.number), ' ',
          x.valid ? h('span', { class: 'pos' }, t('innov.valid') + ' · ' + t('innov.kind.' + x.kind) + ' · ' + x.year)
            : h('span', { class: 'neg' }, t('innov.invalid') + ' · ' + x.reason)));
      }
    } catch (e) { out.appendChild(h('li', { class: 'neg' }, errorText(e))); }
  };
  box.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') run(); });
  return h('section', { class: 'panel' },
    h('h2', null, t('innov.check_title')),
    h('p', null, box, ' ', h('button', { type: 'button', testid: 'innov-check', onclick: run }, t('innov.check'))),
    out);
}
