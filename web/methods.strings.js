// The strings of the method notes (methods.js): key → [zh-CN, English]. Each method has a plain
// name (what the pages call it), what it computes, how to read it, and its source.
export default {
  'method.title': ['方法说明', 'About the methods'],
  'method.what': ['算什么', 'What it computes'],
  'method.read': ['怎么看', 'How to read it'],
  'method.source': ['出处', 'Source'],

  'method.concentration.name': ['集中度指数', 'Concentration index'],
  'method.concentration.what': ['把每家企业（或供应商）所占份额的百分数平方后相加，范围 0–10000。', 'The squares of each enterprise\'s (or supplier\'s) percentage share, added up: 0 to 10,000.'],
  'method.concentration.read': ['越高越依赖少数企业。产业链页的“产值集中度”按链上企业的产值份额计算；韧性页的“供应商市场集中度”按一个环节全部采购额在供应商间的份额计算，高于 2500 为高度集中（1500–2500 为中度）；“采购来源集中度”看单个采购方的一项投入，k 家等份供应商时为 10000/k，不适用 2500 线。', 'The higher, the more a few firms carry it. The chain page\'s output concentration uses the member firms\' output shares; the resilience page\'s supplier-market concentration uses how a node\'s purchases are spread over its suppliers, above 2,500 highly concentrated (1,500–2,500 moderately); sourcing concentration looks at one buyer\'s input, 10,000/k for k equal suppliers, and the 2,500 line does not apply to it.'],
  'method.concentration.source': ['赫芬达尔—赫希曼指数；美国司法部与联邦贸易委员会《横向合并指南》（2010）的分级。', 'The Herfindahl–Hirschman index, with the bands of the US Department of Justice and FTC Horizontal Merger Guidelines (2010).'],

  'method.dependency.name': ['关键依赖（单点失效）', 'Key dependency (single point of failure)'],
  'method.dependency.what': ['在“供应商 → 客户 → 终端生产企业”的供应网络里，找出某些企业的所有供货路径都必须经过的那家供应商。', 'In the supply network (supplier → customer → final producer), the supplier that every supply route of some enterprises must pass through.'],
  'method.dependency.read': ['它一旦断供，依赖它的企业就与终端生产企业断开；依赖它的企业越多、产值越大，风险越高。', 'If it stops, the enterprises depending on it are cut off from the final producers; the more of them and the larger their output, the greater the risk.'],
  'method.dependency.source': ['图论中的“支配点”，按 Lengauer 与 Tarjan（1979）的算法计算。', 'Dominators of graph theory, computed with the algorithm of Lengauer and Tarjan (1979).'],

  'method.cutpoint.name': ['断点企业', 'Linking firms'],
  'method.cutpoint.what': ['不看供货方向，找出一旦去掉就会让供应网络分成互不相连几块的企业。', 'Ignoring the direction of supply, the enterprises whose removal splits the supply network into parts that no longer connect.'],
  'method.cutpoint.read': ['“分隔企业数”是去掉它后与网络主体断开的企业数，越大越关键。', '"Separates" counts the enterprises cut off from the rest once it is removed; the larger, the more critical.'],
  'method.cutpoint.source': ['图论中的“关节点（割点）”，按 Hopcroft 与 Tarjan（1973）的算法计算。', 'Articulation points (cut vertices) of graph theory, computed with the algorithm of Hopcroft and Tarjan (1973).'],

  'method.survive.name': ['可支撑时间与恢复时间', 'Time to survive and time to recover'],
  'method.survive.what': ['假设某供应商完全断供：用库存、其他供应商的余量和产能重新安排生产，求下游需求还能被完全满足多少周（可支撑时间），并与该供应商恢复供货所需的周数（恢复时间）比较。', 'Suppose a supplier stops completely: rearranging production with inventory, the spare of other suppliers and capacity, how many weeks downstream demand can still be met in full (time to survive), compared with the weeks the supplier needs to recover (time to recover).'],
  'method.survive.read': ['可支撑时间短于恢复时间的企业标红：恢复之前就会缺货。默认库存为 2 周产出、产能为周产出的 1.2 倍、替代供应商最多增加 20 个百分点的份额。', 'Enterprises whose time to survive is shorter than the time to recover are red: they run short before the supplier is back. By default inventory is 2 weeks of output, capacity 1.2 × weekly output, and alternative suppliers may add up to 20 points of share.'],
  'method.survive.source': ['Simchi-Levi 等，《哈佛商业评论》2015 年的供应链风险方法；以线性规划求解（GLPK 求解器）。', 'The supply-chain risk method of Simchi-Levi et al. (Harvard Business Review, 2015), solved as a linear programme (the GLPK solver).'],

  'method.shortage.name': ['断供推演（按最短缺投入减产）', 'Disruption what-if (output follows the scarcest input)'],
  'method.shortage.what': ['移除所选供应商、地区或环节后，损失按供货份额逐层传给下游：每项投入缺多少，等于被移除的份额减去其余供应商能补上的部分。', 'With the chosen suppliers, regions or nodes removed, losses pass downstream tier by tier by supply share: an input is short by the removed share minus what the remaining suppliers can add.'],
  'method.shortage.read': ['企业产出按最短缺的那项投入同比例下降，再传给它的客户；“受影响产值”是各企业减产之和。', 'An enterprise\'s output falls in proportion to its scarcest input and the loss passes on to its customers; "output at risk" adds up the losses.'],
  'method.shortage.source': ['里昂惕夫生产函数（投入按固定比例使用）；投入产出分析的通行做法。', 'The Leontief production function (inputs used in fixed proportions), as in input–output analysis.'],

  'method.ranking.name': ['综合评分', 'Overall score'],
  'method.ranking.what': ['把各项指标换算到 0–1 之间（越大越好），按权重合成一个 0–100 的得分；模型可用加权求和，或看与“最好情况”和“最差情况”的相对距离（逼近理想解排序）。', 'Each indicator is scaled to 0–1 (higher is better) and combined by weight into a score of 0–100: a weighted sum, or the relative closeness to the best case against the worst case (ideal-solution ranking).'],
  'method.ranking.read': ['得分越高排名越前；“得分构成”显示每项指标贡献了多少。梯队按模型的分数线划分。', 'The higher the score, the higher the rank; the breakdown shows what each indicator contributed. Tiers follow the model\'s cut-offs.'],
  'method.ranking.source': ['多准则决策方法：加权求和；TOPSIS（Hwang 与 Yoon，1981）；VIKOR（Opricović，1998）。', 'Multi-criteria decision methods: weighted sum; TOPSIS (Hwang and Yoon, 1981); VIKOR (Opricović, 1998).'],

  'method.weights.name': ['指标权重', 'Indicator weights'],
  'method.weights.what': ['权重由主管部门或专家给定；也可以按数据计算：某项指标在企业间差别越大、与其他指标越不重复，权重越高。', 'Weights are given by the commission or experts, or computed from the data: the more an indicator differs between enterprises and the less it repeats the others, the larger its weight.'],
  'method.weights.read': ['权重图显示各指标所占比重，合计为 1。', 'The weights chart shows each indicator\'s share; they add up to 1.'],
  'method.weights.source': ['按数据定权：熵权法；CRITIC 法（Diakoulaki 等，1995）；层次分析法（Saaty，1980）。', 'Weights from the data: the entropy method; CRITIC (Diakoulaki et al., 1995); AHP (Saaty, 1980).'],
};
