// The strings of the home dashboard (dashboard.js): key → [zh-CN, English].
// Looked up with t() (i18n.js), which merges every page's strings into one table.
export default {
  'dash.title': ['总览', 'Dashboard'],
  'dash.year': ['数据年度：{year}', 'Data year: {year}'],
  'dash.count.enterprises': ['企业总数', 'Enterprises'],
  'dash.count.chongqing': ['重庆企业', 'In Chongqing'],
  'dash.count.sichuan': ['四川企业', 'In Sichuan'],
  'dash.count.masters': ['链主企业', 'Chain masters'],
  'dash.count.supply_edges': ['供应关系', 'Supply links'],
  'dash.count.postings': ['供需信息', 'Postings'],
  'dash.by_region': ['各区县企业数与工业总产值', 'Enterprises and output value by district'],
  'dash.by_chain': ['各产业链企业数与工业总产值', 'Enterprises and output value by chain'],
  'dash.growth': ['工业总产值与营业收入增长', 'Growth of output value and revenue'],
  'dash.series.enterprises': ['企业数（家）', 'Enterprises'],
  'dash.series.output': ['工业总产值（万元）', 'Output value (10k CNY)'],
  'dash.series.revenue': ['营业收入（万元）', 'Revenue (10k CNY)'],
  'dash.unit.count': ['家', ''],

  'dash.match': ['供需对接（川渝互采互供）', 'Supply–demand (Chengdu–Chongqing)'],
  'dash.match_more': ['详细统计', 'Details'],
  'dash.match_totals': ['有效供给 {supply} 条、需求 {demand} 条；对接 {deals} 次，达成 {agreed} 次', 'Open supply {supply}, demand {demand}; {deals} deals, {agreed} agreed'],
};
