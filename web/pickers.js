// Pickers: people type names, the forms send the codes the API takes. One accessible combobox
// (an input with a listbox: up/down to move, enter to pick, escape to close; chips when a form
// takes several values) for each kind of code:
//   enterprisePicker  a name fragment → the firm's credit code (shows code and district)
//   nodePicker        a node's Chinese or English name or id → "chain.node" (shows chain › node)
//   regionPicker      province → city → district by name, or a name typed → GB/T 2260 code
// Codes typed as they are (a credit code, "ic.fab", "5101") are still accepted.
//
// Each returns {el, input, value(), values(), set(codes), commit(), focus()}: EL goes in the form, the
// input keeps the ID and TESTID given (labels and tests find it), options are
// `${testid}-option`, chips `${testid}-chip`. commit() turns what is still typed into a value
// (a code as typed, else the one option or the option of exactly that name) and returns
// values(); forms await it before they send.
import { t, pick } from './i18n.js';
import { api } from './api.js';
import { h, clear } from './util.js';

const SPLIT = /[\s,;，；、]+/;
let seq = 0;

function combobox(o) {
  const id = o.id || 'pick-' + ++seq;
  const listId = id + '-list';
  const multiple = !!o.multiple;
  let chosen = null; // single: {value, label}
  let options = [];
  let active = -1;
  let reqNo = 0;
  let timer = null;
  let crumbs = []; // browse path (regions): [{value, label}]

  const input = h('input', {
    type: 'text', id, testid: o.testid, autocomplete: 'off', spellcheck: 'false', placeholder: o.placeholder || '',
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
    class: 'picker-input' + (o.mono ? ' mono' : ''), size: o.size,
  });
  const chips = h('ul', { class: 'picker-chips', testid: o.testid + '-chips', hidden: !multiple, 'aria-label': o.chipsLabel || t('pick.chosen') });
  const list = h('ul', { id: listId, role: 'listbox', class: 'picker-list', testid: o.testid + '-list', 'aria-label': o.listLabel || o.placeholder || '' });
  const nav = h('div', { class: 'picker-nav' });
  const note = h('div', { class: 'picker-note muted small', 'aria-live': 'polite' });
  const pop = h('div', { class: 'picker-pop', hidden: true }, nav, list, note);
  const el = h('div', { class: 'picker' + (multiple ? ' picker-multi' : ''), testid: o.testid + '-picker' }, chips, input, pop);

  const isOpen = () => !pop.hidden;
  function open() { pop.hidden = false; input.setAttribute('aria-expanded', 'true'); }
  function close() {
    pop.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function setActive(i) {
    const items = list.querySelectorAll('[role=option]');
    if (!items.length) { active = -1; return; }
    active = (i + items.length) % items.length;
    items.forEach((li, k) => li.setAttribute('aria-selected', k === active ? 'true' : 'false'));
    input.setAttribute('aria-activedescendant', items[active].id);
    items[active].scrollIntoView({ block: 'nearest' });
  }

  function show(opts, msg) {
    options = opts;
    clear(list);
    clear(nav);
    if (crumbs.length) {
      nav.appendChild(h('button', { type: 'button', class: 'picker-up', testid: o.testid + '-up', tabindex: '-1',
        onmousedown: (ev) => ev.preventDefault(), onclick: () => up() }, '‹ ', crumbs.length > 1 ? crumbs[crumbs.length - 2].label : t('pick.top')));
      nav.appendChild(h('span', { class: 'picker-crumb' }, crumbs.map((c) => c.label).join(' › ')));
    }
    opts.forEach((op, k) => {
      const li = h('li', { role: 'option', id: listId + '-' + k, 'aria-selected': 'false', testid: o.testid + '-option', dataset: { value: op.value }, class: 'picker-option',
        onmousedown: (ev) => ev.preventDefault(), onclick: () => choose(op) },
      h('span', { class: 'picker-label' }, op.label), op.detail ? h('span', { class: 'picker-detail' }, op.detail) : null,
      op.drill ? h('button', { type: 'button', class: 'picker-drill', tabindex: '-1', testid: o.testid + '-drill', 'aria-label': t('pick.drill', { name: op.label }), title: t('pick.drill', { name: op.label }),
        onmousedown: (ev) => ev.preventDefault(), onclick: (ev) => { ev.stopPropagation(); drill(op); } }, '›') : null);
      list.appendChild(li);
    });
    note.textContent = msg !== undefined ? msg : opts.length ? '' : t('pick.none');
    active = -1;
    input.removeAttribute('aria-activedescendant');
    open();
    if (opts.length && input.value.trim()) setActive(0);
  }

  async function run(fn) {
    const my = ++reqNo;
    try {
      const r = await fn();
      if (my === reqNo && document.activeElement === input) show(r.options || r, r.note);
    } catch (e) {
      if (my === reqNo) show([], t('pick.failed'));
    }
  }

  function search() {
    const text = input.value.trim();
    clearTimeout(timer);
    if (!text) {
      if (o.browse) run(() => o.browse(crumbs.length ? crumbs[crumbs.length - 1] : null));
      else close();
      return;
    }
    crumbs = [];
    timer = setTimeout(() => run(() => o.search(text)), o.delay ?? 150);
  }

  function drill(op) {
    if (!o.browse) return;
    crumbs.push({ value: op.value, label: op.label, chip: op.chip, title: op.title });
    input.value = '';
    input.focus();
    run(() => o.browse(crumbs[crumbs.length - 1]));
  }
  function up() {
    crumbs.pop();
    input.focus();
    run(() => o.browse(crumbs.length ? crumbs[crumbs.length - 1] : null));
  }

  function addChip(value, label, title) {
    if (Array.from(chips.children).some((c) => c.dataset.value === value)) return;
    const chip = h('li', { class: 'chip', testid: o.testid + '-chip', dataset: { value }, title: title || value },
      h('span', null, label || value),
      h('button', { type: 'button', class: 'chip-x', 'aria-label': t('pick.remove', { name: label || value }), onclick: () => { chip.remove(); input.focus(); el.dispatchEvent(new Event('change', { bubbles: true })); } }, '×'));
    chips.appendChild(chip);
  }

  function choose(op) {
    if (multiple) {
      addChip(op.value, op.chip || op.label, op.title);
      input.value = '';
      crumbs = [];
      close();
    } else {
      chosen = { value: op.value, label: op.chip || op.label };
      input.value = chosen.label;
      close();
    }
    input.focus();
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }

  // What is typed, as codes: the typed tokens that look like codes, or null when some do not.
  function typedCodes() {
    const text = input.value.trim();
    if (!text) return [];
    const toks = multiple ? text.split(SPLIT).filter(Boolean) : [text];
    const codes = toks.map((x) => o.code(x));
    return codes.every((c) => c) ? codes : null;
  }

  // Typed codes become chips named when the name is known.
  async function addTyped(codes) {
    input.value = '';
    close();
    for (const c of codes) {
      addChip(c, c);
      if (o.labelOf) {
        o.labelOf(c).then((lb) => {
          const chip = Array.from(chips.children).find((x) => x.dataset.value === c);
          if (lb && chip) { chip.firstChild.textContent = lb.label; chip.title = lb.title || c; }
        }).catch(() => {});
      }
    }
  }

  input.addEventListener('input', () => { if (!multiple) chosen = null; search(); });
  input.addEventListener('focus', () => { if (!input.value.trim() && o.browse) search(); });
  input.addEventListener('blur', () => { setTimeout(() => { if (document.activeElement !== input) close(); }, 100); });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      if (!isOpen()) search(); else setActive(active + 1);
    } else if (ev.key === 'ArrowUp') {
      ev.preventDefault();
      if (isOpen()) setActive(active - 1);
    } else if (ev.key === 'ArrowRight' && isOpen() && active >= 0 && options[active].drill && !input.value) {
      ev.preventDefault();
      drill(options[active]);
    } else if (ev.key === 'ArrowLeft' && isOpen() && crumbs.length && !input.value) {
      ev.preventDefault();
      up();
    } else if (ev.key === 'Escape') {
      if (isOpen()) { ev.preventDefault(); ev.stopPropagation(); close(); }
    } else if (ev.key === 'Enter') {
      const codes = typedCodes();
      if (multiple && codes && codes.length && (active < 0 || o.codeFirst)) { ev.preventDefault(); addTyped(codes); return; }
      if (isOpen() && active >= 0) { ev.preventDefault(); choose(options[active]); return; }
      if (multiple && input.value.trim()) ev.preventDefault(); // a name not found: no submit
    } else if (ev.key === 'Backspace' && multiple && !input.value && chips.lastElementChild) {
      chips.lastElementChild.remove();
    }
  });

  const api_ = {
    el, input,
    // The codes picked (and, still in the input, the text typed: a code as typed).
    values() {
      const vals = Array.from(chips.children).map((c) => c.dataset.value);
      const text = input.value.trim();
      if (multiple) { if (text) vals.push(...text.split(SPLIT).filter(Boolean).map((x) => o.code(x) || x)); }
      else if (chosen && text === chosen.label) vals.push(chosen.value);
      else if (text) vals.push(o.code(text) || text);
      return vals.map((v) => (o.out ? o.out(v) : v));
    },
    value() { return api_.values()[0] || ''; },
    focus() { input.focus(); },
    // Sets the values (codes), naming them when known.
    set(codes, label) {
      const list_ = (Array.isArray(codes) ? codes : String(codes || '').split(SPLIT)).filter(Boolean);
      clear(chips);
      chosen = null;
      input.value = '';
      if (multiple) { addTyped(list_); return; }
      if (!list_.length) return;
      const c = list_[0];
      chosen = { value: c, label: label || c };
      input.value = chosen.label;
      if (!label && o.labelOf) {
        o.labelOf(c).then((lb) => { if (lb && chosen && chosen.value === c && input.value === c) { chosen.label = lb.label; input.value = lb.label; } }).catch(() => {});
      }
    },
    // Resolves what is still typed; returns values().
    async commit() {
      const text = input.value.trim();
      if (!text || (!multiple && chosen && text === chosen.label)) return api_.values();
      const codes = typedCodes();
      if (codes) { if (multiple) await addTyped(codes); return api_.values(); }
      const toks = multiple ? text.split(SPLIT).filter(Boolean) : [text];
      const left = [];
      for (const tok of toks) {
        const code = o.code(tok);
        if (code) { if (multiple) addChip(code, code); else return api_.values(); continue; }
        let r = [];
        try { r = await o.search(tok); r = r.options || r; } catch (_) { r = []; }
        const exact = r.filter((x) => x.name === tok);
        const one = exact.length === 1 ? exact[0] : r.length === 1 ? r[0] : null;
        if (!one) { left.push(tok); continue; }
        if (multiple) addChip(one.value, one.chip || one.label, one.title);
        else { chosen = { value: one.value, label: one.chip || one.label }; input.value = chosen.label; }
      }
      if (multiple) input.value = left.join(' ');
      close();
      return api_.values();
    },
  };
  if (o.initial) api_.set(o.initial, o.initialLabel);
  return api_;
}

// ---- enterprises ----

const USCC = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

// OPTS: {id, testid, multiple, initial (credit codes), initialLabel, placeholder}.
export function enterprisePicker(opts = {}) {
  const option = (x) => ({ value: x.uscc, name: x.name, label: x.name || x.uscc, chip: x.name || x.uscc, title: x.uscc,
    detail: x.uscc + (x.region_name ? ' · ' + x.region_name : '') });
  return combobox({
    placeholder: t('pick.enterprise_hint'), ...opts,
    code: (s) => (USCC.test(s.toUpperCase()) ? s.toUpperCase() : null),
    codeFirst: true,
    async search(text) {
      const up = text.toUpperCase();
      const r = await api('/enterprises', { query: USCC.test(up) ? { uscc: up, limit: 10 } : { q: text, limit: 10 } });
      return (r.items || []).map(option);
    },
    async labelOf(uscc) {
      const r = await api('/enterprises', { query: { uscc, limit: 1 } });
      const x = (r.items || [])[0];
      return x && x.name ? { label: x.name, title: uscc } : null;
    },
  });
}

// ---- chain nodes ----

let nodesP = null;
function allNodes() {
  if (!nodesP) nodesP = api('/nodes').catch((e) => { nodesP = null; throw e; });
  return nodesP;
}
const nodeName = (n) => pick(n.name_zh, n.name_en);
const chainName = (n) => pick(n.chain_name_zh, n.chain_name_en);
const nodeOption = (n) => ({
  value: n.chain + '.' + n.id, name: n.name_zh, label: nodeName(n), chip: chainName(n) + ' › ' + nodeName(n),
  title: n.chain + '.' + n.id, detail: chainName(n) + ' › ' + nodeName(n) + ' · ' + n.chain + '.' + n.id,
});

// OPTS: {id, testid, multiple, initial ("chain.node" refs), chain (a chain id to list first)}.
export function nodePicker(opts = {}) {
  return combobox({
    placeholder: t('pick.node_hint'), ...opts,
    code: (s) => (/^[a-z][a-z0-9_]*\.[a-z0-9_]+$/.test(s) ? s : null),
    async search(text) {
      const q = text.toLowerCase();
      const scored = [];
      for (const n of await allNodes()) {
        const names = [n.name_zh, (n.name_en || '').toLowerCase(), n.id, n.chain + '.' + n.id];
        let s = names.some((x) => x === q) ? 0 : names.some((x) => x && x.startsWith(q)) ? 1 : names.some((x) => x && x.includes(q)) ? 2 : -1;
        if (s < 0 && (n.chain_name_zh.includes(text) || (n.chain_name_en || '').toLowerCase().includes(q))) s = 3;
        if (s >= 0) scored.push([s + (opts.chain && n.chain !== opts.chain ? 0.5 : 0), n]);
      }
      scored.sort((a, b) => a[0] - b[0]);
      return scored.slice(0, 30).map(([, n]) => nodeOption(n));
    },
    async labelOf(ref) {
      const [c, id] = ref.split('.');
      const n = (await allNodes()).find((x) => x.chain === c && x.id === id);
      return n ? { label: chainName(n) + ' › ' + nodeName(n), title: ref } : null;
    },
  });
}

// ---- regions ----

// A region code as the what-if takes it: a province's 2 digits, a prefecture's 4, else all 6.
export function regionPrefix(code) {
  const s = String(code);
  if (!/^\d{6}$/.test(s)) return s;
  return s.endsWith('0000') ? s.slice(0, 2) : s.endsWith('00') ? s.slice(0, 4) : s;
}

// OPTS: {id, testid, multiple, initial (codes), prefix (send 2/4/6-digit prefixes)}.
export function regionPicker(opts = {}) {
  const option = (r) => ({
    value: String(r.code), name: r.name, label: r.name, chip: r.full_name || r.name, title: String(r.code),
    detail: (r.full_name && r.full_name !== r.name ? r.full_name + ' · ' : '') + r.code, drill: r.level < 3,
  });
  return combobox({
    placeholder: t('pick.region_hint'), ...opts,
    out: opts.prefix ? regionPrefix : null,
    code: (s) => (/^\d{2}$|^\d{4}$|^\d{6}$/.test(s) ? s : null),
    async search(text) {
      return (await api('/regions/search', { query: { q: text, limit: 20 } })).map(option);
    },
    // PARENT: the crumb drilled into ({value, label, chip}); its own option comes first.
    async browse(parent) {
      const r = await api('/regions', { query: { parent: parent ? parent.value : undefined } });
      const whole = parent ? [{ value: parent.value, name: parent.label, label: t('pick.whole', { name: parent.label }), chip: parent.chip || parent.label, title: parent.title }] : [];
      return { options: whole.concat(r.map(option)), note: parent ? '' : t('pick.region_browse') };
    },
    async labelOf(code) {
      const full = String(code).length === 2 ? code + '0000' : String(code).length === 4 ? code + '00' : code;
      const r = await api('/regions/search', { query: { q: full, limit: 1 } });
      return r[0] && String(r[0].code) === full ? { label: r[0].full_name || r[0].name, title: String(code) } : null;
    },
  });
}
