// The strings of the pickers (pickers.js): key → [zh-CN, English].
// Looked up with t() (i18n.js), which merges every page's strings into one table.
export default {
  'pick.chosen': ['已选', 'Chosen'],
  'pick.remove': ['移除 {name}', 'Remove {name}'],
  'pick.drill': ['{name} 的下级', 'Inside {name}'],
  'pick.top': ['全部省份', 'All provinces'],
  'pick.whole': ['{name}（全部）', 'All of {name}'],
  'pick.none': ['没有匹配项；也可直接输入代码', 'Nothing matches; a code can also be typed'],
  'pick.failed': ['查询失败', 'Look-up failed'],
  'pick.enterprise_hint': ['输入企业名称关键字或统一社会信用代码', 'A name fragment or a credit code'],
  'pick.node_hint': ['输入环节名称，如 驱动电机', 'A node name, e.g. traction motors'],
  'pick.region_hint': ['输入地区名称，如 武侯区；或逐级选择', 'A region name, or pick province → city → district'],
  'pick.region_browse': ['按 › 逐级展开；输入名称可直接查找', 'Press › to go down a level; type a name to search'],
};
