// The strings of the home dashboard (dashboard.js): key → [zh-CN, English].
// Looked up with t() (i18n.js), which merges every page's strings into one table.
export default {
  'dash.title': ['总览', 'Dashboard'],
  'dash.year': ['数据年度：{year}', 'Data year: {year}'],
  'dash.scope_note': ['以上统计范围：{scope}，{year} 年数据；各产业链的企业数与产值与产业链页面一致。平台共登记企业 {registered} 家（含范围外）。',
    'Every figure is for {scope}, data of {year}; a chain\'s firms and output match its chain page. The platform registers {registered} firms in all (outside the scope too).'],
  'dash.count.enterprises': ['范围内企业', 'Enterprises in scope'],
  'dash.count.masters': ['链主企业', 'Chain masters'],
  'dash.count.supply_edges': ['涉及范围内企业的供应关系', 'Supply links with a firm in scope'],
  'dash.count.postings': ['范围内企业的有效供需信息', 'Open postings of firms in scope'],
  'dash.by_region': ['各区县（城市）企业数与工业总产值', 'Enterprises and output value by district (city)'],
  'dash.by_chain': ['各产业链企业数与工业总产值', 'Enterprises and output value by chain'],
  'dash.growth': ['工业总产值与营业收入增长', 'Growth of output value and revenue'],
  'dash.series.enterprises': ['企业数（家）', 'Enterprises'],
  'dash.series.output': ['工业总产值', 'Output value'],
  'dash.series.revenue': ['营业收入', 'Revenue'],
  'dash.unit.count': ['家', ''],

  'dash.match': ['供需对接（川渝互采互供）', 'Supply–demand (Chengdu–Chongqing)'],
  'dash.match_more': ['详细统计', 'Details'],
  'dash.match_by_direction': ['对接统计（按方向）', 'Deals by direction'],
  'dash.match_by_month': ['供需信息与对接（按月份）', 'Postings and deals by month'],
  'dash.empty.scope': ['所选范围内没有登记企业或产值数据，可换一个统计范围。', 'No registered firm or output figure in this scope; try another scope.'],
  'dash.empty.growth': ['所选范围内的企业没有年度产值或营业收入数据（导入年度指标后显示）。', 'The firms in this scope have no annual output or revenue yet (they appear once annual indicators are imported).'],
  'dash.empty.direction': ['尚无对接记录：在“供需对接”中把匹配标记为已联系或已达成后，按供需双方所在地（渝→川、川→渝、市内）计入。', 'No deals yet: once a match is marked contacted or agreed under Supply–demand, it counts here by where the two sides are (Chongqing → Sichuan, Sichuan → Chongqing, within).'],
  'dash.empty.month': ['尚无供需信息或对接记录。', 'No postings or deals yet.'],
  'dash.match_totals': ['全平台（不限分析范围）：有效供给 {supply} 条、需求 {demand} 条；对接 {deals} 次，达成 {agreed} 次', 'The whole platform (any scope): open supply {supply}, demand {demand}; {deals} deals, {agreed} agreed'],
};
