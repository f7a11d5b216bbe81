// UI strings in Chinese (default) and English. Every string the UI shows is a key with its two
// texts side by side, key → [zh-CN, English], so the two stay in step: the shell's and the
// shared words here, each page's own beside it (pages/NAME.strings.js). t('key') looks the key up
// in the current language, {name} fills in. The choice is kept in localStorage ('cc.lang').

import loginStrings from './pages/login.strings.js';
import dashboardStrings from './pages/dashboard.strings.js';
import enterprisesStrings from './pages/enterprises.strings.js';
import enterpriseStrings from './pages/enterprise.strings.js';
import importStrings from './pages/import.strings.js';
import adminStrings from './pages/admin.strings.js';
import chainStrings from './pages/chain.strings.js';
import briefStrings from './pages/brief.strings.js';
import matchStrings from './pages/match.strings.js';
import riskStrings from './pages/risk.strings.js';
import evalStrings from './pages/eval.strings.js';
import listsStrings from './pages/lists.strings.js';
import casesStrings from './pages/cases.strings.js';
import pickerStrings from './pickers.strings.js';
import mapStrings from './map.strings.js';
import methodStrings from './methods.strings.js';
import greenStrings from './pages/green.strings.js';
import digitalStrings from './pages/digital.strings.js';
import reportsStrings from './pages/reports.strings.js';
import innovStrings from './pages/innov.strings.js';
import listingStrings from './pages/listing.strings.js';

const STORE_KEY = 'cc.lang';

// The strings of the shell (app.js), the errors, the common words and the domain words every
// page uses: key → [zh-CN, English]. Each page's own strings sit beside it (pages/*.strings.js).
const SHELL = {
  'app.title': ['链长制产业链平台', 'ChainChief'],
  'app.subtitle': ['ChainChief · 重庆链长制', 'Chongqing chain chiefs'],
  'app.loading': ['加载中…', 'Loading…'],
  'app.mark': ['链', 'C'],
  'actor.cli': ['命令行', 'command line'],
  'actor.demo': ['演示数据', 'demo data'],

  'nav.dashboard': ['总览', 'Dashboard'],
  'nav.enterprises': ['企业', 'Enterprises'],
  'nav.chains': ['产业链', 'Chains'],
  'nav.eval': ['评价与名单', 'Evaluation & lists'],
  'nav.match': ['供需对接', 'Supply–demand'],
  'nav.risk': ['韧性与风险', 'Resilience'],
  'nav.cases': ['案例', 'Cases'],
  'nav.innovation': ['创新链', 'Innovation'],
  'nav.import': ['数据导入', 'Import'],
  'nav.admin': ['系统管理', 'Admin'],
  'nav.my_enterprise': ['本企业', 'My enterprise'],
  'nav.group.analysis': ['产业链分析', 'Chain analysis'],
  'nav.group.data': ['数据', 'Data'],
  'nav.group.system': ['系统', 'System'],

  'top.lang': ['English', '中文'],
  'top.lang_title': ['切换为英文界面', 'Switch to Chinese'],
  'top.logout': ['退出登录', 'Log out'],
  'top.user': ['当前用户', 'Signed in as'],
  'top.menu': ['菜单', 'Menu'],

  'role.admin': ['管理员', 'Administrator'],
  'role.analyst': ['分析员', 'Analyst'],
  'role.chief': ['链长', 'Chain chief'],
  'role.enterprise': ['企业用户', 'Enterprise'],

  'err.network': ['无法连接服务器，请检查网络或稍后再试。', 'Cannot reach the server. Check the connection or try again later.'],
  'err.http': ['服务器返回错误（HTTP {status}）。', 'The server answered with an error (HTTP {status}).'],
  'err.not_found_page': ['没有这个页面：{path}', 'No such page: {path}'],
  'err.forbidden_page': ['当前角色无权访问此页面。', 'Your role may not open this page.'],
  'err.no_echarts': ['图表库未加载（/vendor/echarts.min.js），无法绘制图表。', 'The chart library (/vendor/echarts.min.js) did not load; charts cannot be drawn.'],
  'err.session_expired': ['登录已过期，请重新登录。', 'Your session has expired; please log in again.'],

  'common.search': ['查询', 'Search'],
  'common.reset': ['重置', 'Reset'],
  'common.all': ['全部', 'All'],
  'common.any': ['不限', 'Any'],
  'common.save': ['保存', 'Save'],
  'common.cancel': ['取消', 'Cancel'],
  'common.next': ['下一页', 'Next page'],
  'common.prev': ['上一页', 'Previous page'],
  'common.first': ['首页', 'First page'],
  'common.yes': ['是', 'Yes'],
  'common.no': ['否', 'No'],
  'common.none': ['无', 'None'],
  'common.total': ['共 {n} 条', '{n} in total'],
  'common.page': ['第 {n} 页', 'Page {n}'],
  'common.range': ['第 {from}–{to} 条，共 {n} 条', '{from}–{to} of {n}'],
  'common.empty': ['没有符合条件的记录。', 'Nothing matches.'],
  'common.no_data': ['暂无数据', 'No data'],
  'table.filter_hint': ['筛选：名称、代码或地区', 'Filter: name, code or region'],
  'table.filter_count': ['筛选出 {n} 条，共 {total} 条', '{n} of {total} match'],
  'table.filter_label': ['表内筛选', 'Filtered by'],
  'common.no_data_why': ['所选范围内没有可画的数值。', 'There are no values to draw for this selection.'],
  'common.loading': ['正在加载…', 'Loading…'],
  'common.unit_wan': ['万元', '10k CNY'],
  'common.year': ['年份', 'Year'],
  'common.month': ['月份', 'Month'],
  'common.saved': ['已保存。', 'Saved.'],
  'common.saving': ['正在保存…', 'Saving…'],
  'common.actions': ['操作', 'Actions'],
  'common.unknown': ['—', '—'],
  'fmt.yi_yuan': ['亿元', '100m yuan'],
  'fmt.bn_yuan': ['十亿元', 'bn yuan'],
  'fmt.m_yuan': ['百万元', 'm yuan'],
  'fmt.k_yuan': ['千元', 'k yuan'],
  'fmt.years': ['年', ' yr'],
  'fmt.unit.persons': ['人', 'persons'],
  'fmt.unit.count': ['件', 'items'],
  'fmt.score_scale': ['（0–100）', ' (0–100)'],
  'common.back': ['返回', 'Back'],
  'unit.piece': ['件', 'pcs'],
  'unit.sheet': ['片', 'pcs'],
  'unit.metre': ['米', 'm'],
  'unit.tonne': ['吨', 't'],
  'unit.set': ['台', 'units'],
  'unit.kit': ['套', 'sets'],
  'unit.kg': ['千克', 'kg'],
  'unit.box': ['箱', 'boxes'],
  'unit.batch': ['批', 'batches'],
  'unit.vehicle': ['辆', 'vehicles'],
  'unit.sqm': ['平方米', 'm²'],
  'unit.cbm': ['立方米', 'm³'],

  'scale.large': ['大型', 'Large'],
  'scale.medium': ['中型', 'Medium'],
  'scale.small': ['小型', 'Small'],
  'scale.micro': ['微型', 'Micro'],
  'listed.none': ['未上市', 'Not listed'],
  'listed.main': ['主板', 'Main board'],
  'listed.star': ['科创板', 'STAR Market'],
  'listed.gem': ['创业板', 'ChiNext'],
  'listed.bse': ['北交所', 'Beijing SE'],
  'listed.neeq': ['新三板', 'NEEQ'],
  'cert.hightech': ['高新技术企业', 'High-tech enterprise'],
  'cert.tech_sme': ['科技型中小企业', 'Tech-based SME'],
  'cert.srdi': ['专精特新中小企业', 'Specialised SME (SRDI)'],
  'cert.srdi_giant': ['专精特新“小巨人”', 'SRDI "little giant"'],
  'cert.innovative_sme': ['创新型中小企业', 'Innovative SME'],
  'chainrole.master': ['链主', 'Master'],
  'chainrole.core': ['核心', 'Core'],
  'chainrole.member': ['成员', 'Member'],

  // the export of tables (web/export.js) and printing
  'export.xlsx': ['导出 Excel', 'Export to Excel'],
  'export.hint': ['按当前筛选和排序导出本表全部行（XLSX，数值以数字保存）', 'Exports every row of this table with the current filters and sort (XLSX, numbers kept as numbers)'],
  'export.working': ['正在导出…', 'Exporting…'],
  'export.done': ['已导出 {n} 行。', 'Exported {n} rows.'],
  'export.cut': ['仅导出前 {n} 行（共 {total} 行），请缩小筛选范围。', 'Only the first {n} of {total} rows were exported; narrow the filters.'],
  'export.about.sheet': ['说明', 'About'],
  'export.about.title': ['表格', 'Table'],
  'export.about.any': ['不限', 'Any'],
  'export.about.page': ['页面', 'Page'],
  'export.about.time': ['导出时间', 'Exported at'],
  'export.about.rows': ['行数', 'Rows'],
  'export.about.lang': ['语言', 'Language'],
  'export.about.lang_value': ['中文（金额单位：万元；比率以百分比显示）', 'English (money in 10k CNY; ratios shown as percentages)'],
};

// Every string: key → [zh-CN, English]. A key defined twice is a mistake (duplicateKeys).
const PAGES = [loginStrings, dashboardStrings, enterprisesStrings, enterpriseStrings, importStrings, adminStrings, chainStrings, briefStrings, matchStrings, riskStrings, evalStrings, listsStrings, casesStrings, pickerStrings, mapStrings, methodStrings, greenStrings, reportsStrings, digitalStrings, innovStrings, listingStrings];
const STRINGS = Object.assign({}, SHELL, ...PAGES);
const DUPLICATES = [SHELL, ...PAGES].flatMap((d) => Object.keys(d)).filter((k, i, all) => all.indexOf(k) !== i);
const zh = {}, en = {};
for (const [k, [z, e]] of Object.entries(STRINGS)) {
  if (z !== undefined) zh[k] = z;
  if (e !== undefined) en[k] = e;
}

const DICTS = { 'zh-CN': zh, en };
const listeners = new Set();

function initialLang() {
  try {
    const v = localStorage.getItem(STORE_KEY);
    if (v && DICTS[v]) return v;
  } catch (_) { /* storage may be blocked */ }
  return 'zh-CN';
}

let current = initialLang();
document.documentElement.lang = current;

export function lang() { return current; }
export function isZh() { return current === 'zh-CN'; }

export function setLang(l) {
  if (!DICTS[l] || l === current) return;
  current = l;
  try { localStorage.setItem(STORE_KEY, l); } catch (_) { /* ignore */ }
  document.documentElement.lang = l;
  for (const fn of listeners) fn(l);
}

export function toggleLang() { setLang(isZh() ? 'en' : 'zh-CN'); }

export function onLangChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

export function t(key, vars) {
  let s = DICTS[current][key];
  if (s === undefined) s = zh[key];
  if (s === undefined) return key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined && vars[k] !== null ? String(vars[k]) : m));
  return s;
}

// Picks the Chinese or English of a pair coming from the API (name_zh / name_en and the like).
export function pick(zhText, enText) {
  if (isZh()) return zhText || enText || '';
  return enText || zhText || '';
}

// For tests and checks: both dictionaries have the same keys.
export function missingKeys() {
  const a = Object.keys(zh), b = Object.keys(en);
  return { en: a.filter((k) => !(k in en)), zh: b.filter((k) => !(k in zh)) };
}

// For checks: the keys defined in more than one file (the later definition wins), and every
// string as key → [zh-CN, English].
export function duplicateKeys() { return DUPLICATES.slice(); }
export function strings() { return { ...STRINGS }; }
