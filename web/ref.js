// Reference lists the pages share (chains, metrics, regions), fetched once per page load.
import { api, itemsOf } from './api.js';

const cache = new Map();

function once(key, load) {
  if (!cache.has(key)) {
    const p = load().catch((e) => { cache.delete(key); throw e; });
    cache.set(key, p);
  }
  return cache.get(key);
}

export function chains() { return once('chains', async () => itemsOf(await api('/chains'))); }
export function metrics() { return once('metrics', async () => itemsOf(await api('/metrics'))); }

export const CERTS = ['hightech', 'tech_sme', 'srdi', 'srdi_giant', 'innovative_sme'];
export const LISTED = ['none', 'main', 'star', 'gem', 'bse', 'neeq'];
export const SCALES = ['large', 'medium', 'small', 'micro'];
export const ROLES = ['admin', 'analyst', 'chief', 'enterprise', 'investor'];

// Level-2 rows of GB/T 2260 that only group counties ("市辖区", "县"): their children are shown instead.
const GROUPING = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

function regionRow(r) {
  return { code: Number(r.code), name: r.name || r.name_zh || String(r.code), name_en: r.name_en || null };
}

async function children(parent) {
  return itemsOf(await api('/regions', { query: { parent } })).map(regionRow);
}

// The regions under PARENT (a province), with the grouping levels ("市辖区", "县") replaced by
// their children (unless the server already listed those), each code once.
export function regionsUnder(parent) {
  return once('regions:' + parent, async () => {
    const rows = await children(parent);
    const seen = new Set();
    const out = [];
    const add = (r) => { if (!seen.has(r.code)) { seen.add(r.code); out.push(r); } };
    for (const r of rows) {
      if (!GROUPING.has(r.name)) { add(r); continue; }
      const prefix = Math.floor(r.code / 100);
      const listed = rows.some((x) => x.code !== r.code && Math.floor(x.code / 100) === prefix);
      if (!listed) for (const c of await children(r.code)) add(c);
    }
    return out;
  });
}

// Chongqing's districts and counties, Sichuan's cities (and any others asked for).
export async function regionGroups() {
  const [cq, sc] = await Promise.all([regionsUnder(500000), regionsUnder(510000)]);
  return [
    { code: 500000, label: 'ent.region_cq', items: cq },
    { code: 510000, label: 'ent.region_sc', items: sc },
  ];
}
