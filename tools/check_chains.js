#!/usr/bin/env node
// Checks data/chains/*.json: every file parses, the catalogue lists exactly the chain files,
// node ids are unique, parents exist and come first, stages are valid, node counts fit the
// rules, and every industry code is a GB/T 4754-2017 class (as amended by No.1, 2019) from the
// table below. Usage: node tools/check_chains.js [--list] [dir]
'use strict';
const fs = require('fs');
const path = require('path');

// GB/T 4754-2017 (amendment No.1) classes used by the chain data: section letter + 4-digit class.
// Extend this table when a chain file needs a new code.
const GBT4754 = Object.fromEntries(`
A0141 蔬菜种植|A0153 柑橘类种植|A0163 香料作物种植|A0171 中草药种植
B0721 陆地天然气开采|B0913 镍钴矿采选|B0916 铝矿采选|B0917 镁矿采选|B0939 其他稀有金属矿采选
B1020 化学矿开采|B1092 石墨、滑石采选|B1099 其他未列明非金属矿采选
C1331 食用植物油加工|C1353 肉制品及副产品加工|C1371 蔬菜加工|C1419 饼干及其他焙烤食品制造
C1431 米、面制品制造|C1433 方便面制造|C1462 酱油、食醋及类似制品制造|C1469 其他调味品、发酵制品制造
C1492 保健食品制造|C1512 白酒制造|C1513 啤酒制造|C1530 精制茶加工
C1711 棉纺纱加工|C1712 棉织造加工|C1713 棉印染精加工|C1741 缫丝加工|C1742 绢纺和丝织加工
C1751 化纤织造加工|C1752 化纤织物染整精加工|C1761 针织或钩针编织物织造
C1771 床上用品制造|C1772 毛巾类制品制造|C1773 窗帘、布艺类产品制造
C1781 非织造布制造|C1783 纺织带和帘子布制造|C1789 其他产业用纺织制成品制造
C1819 其他机织服装制造|C1829 其他针织或钩针编织服装制造|C1830 服饰制造
C1951 纺织面料鞋制造|C1952 皮鞋制造|C2110 木质家具制造|C2130 金属家具制造|C2231 纸和纸板容器制造
C2611 无机酸制造|C2613 无机盐制造|C2614 有机化学原料制造|C2619 其他基础化学原料制造|C2621 氮肥制造
C2651 初级形态塑料及合成树脂制造|C2652 合成橡胶制造|C2653 合成纤维单(聚合)体制造
C2661 化学试剂和助剂制造|C2669 其他专用化学产品制造
C2681 肥皂及洗涤剂制造|C2682 化妆品制造|C2683 口腔清洁用品制造|C2684 香料、香精制造
C2710 化学药品原料药制造|C2720 化学药品制剂制造|C2730 中药饮片加工|C2740 中成药生产
C2761 生物药品制造|C2762 基因工程药物和疫苗制造|C2770 卫生材料及医药用品制造|C2780 药用辅料及包装材料
C2821 锦纶纤维制造|C2822 涤纶纤维制造|C2826 氨纶纤维制造
C2911 轮胎制造|C2913 橡胶零件制造|C2921 塑料薄膜制造|C2926 塑料包装箱及容器制造|C2929 塑料零件及其他塑料制品制造
C3042 特种玻璃制造|C3051 技术玻璃制品制造|C3055 玻璃包装容器制造|C3061 玻璃纤维及制品制造
C3062 玻璃纤维增强塑料制品制造|C3091 石墨及碳素制品制造|C3130 钢压延加工
C3213 镍钴冶炼|C3216 铝冶炼|C3217 镁冶炼|C3239 其他稀有金属冶炼|C3240 有色金属合金制造
C3251 铜压延加工|C3252 铝压延加工|C3253 贵金属压延加工|C3259 其他有色金属压延加工
C3311 金属结构制造|C3321 切削工具制造|C3332 金属压力容器制造
C3391 黑色金属铸造|C3392 有色金属铸造|C3393 锻件及粉末冶金制品制造|C3399 其他未列明金属制品制造
C3412 内燃机及配件制造|C3415 风能原动设备制造|C3421 金属切削机床制造|C3422 金属成形机床制造
C3424 金属切割及焊接设备制造|C3425 机床功能部件及附件制造|C3441 泵及真空设备制造|C3442 气体压缩机械制造
C3443 阀门和旋塞制造|C3451 滚动轴承制造|C3453 齿轮及齿轮减、变速箱制造|C3465 风动和电动工具制造
C3482 紧固件制造|C3483 弹簧制造|C3484 机械零部件加工
C3491 工业机器人制造|C3492 特殊作业机器人制造|C3493 增材制造装备制造
C3544 制药专用设备制造|C3546 玻璃、陶瓷和搪瓷制品生产专用设备制造|C3561 电工机械专用设备制造
C3562 半导体器件专用设备制造|C3569 其他电子专用设备制造|C3571 拖拉机制造|C3572 机械化农业及园艺机具制造
C3581 医疗诊断、监护及治疗设备制造|C3584 医疗、外科及兽医用器械制造|C3585 机械治疗及病房护理设备制造
C3586 康复辅具制造|C3596 交通安全、管制及类似专用设备制造
C3611 汽柴油车整车制造|C3612 新能源车整车制造|C3620 汽车用发动机制造|C3630 改装汽车制造
C3660 汽车车身、挂车制造|C3670 汽车零部件及配件制造
C3712 铁路机车车辆制造|C3715 铁路机车车辆配件制造|C3716 铁路专用设备及器材、配件制造
C3720 城市轨道交通设备制造|C3731 金属船舶制造|C3741 飞机制造|C3744 航空相关设备制造|C3749 其他航空航天器制造
C3751 摩托车整车制造|C3752 摩托车零部件及配件制造|C3770 助动车制造|C3780 非公路休闲车及零配件制造
C3811 发电机及发电机组制造|C3812 电动机制造|C3813 微特电机及组件制造
C3824 电力电子元器件制造|C3825 光伏设备及元器件制造|C3829 其他输配电及控制设备制造
C3841 锂离子电池制造|C3849 其他电池制造
C3851 家用制冷电器具制造|C3852 家用空气调节器制造|C3854 家用厨房电器具制造|C3855 家用清洁卫生电器具制造
C3856 家用美容、保健护理电器具制造|C3874 智能照明器具制造
C3911 计算机整机制造|C3912 计算机零部件制造|C3913 计算机外围设备制造|C3915 信息安全设备制造
C3921 通信系统设备制造|C3922 通信终端设备制造|C3940 雷达及配套设备制造|C3951 电视机制造|C3952 音响设备制造
C3961 可穿戴智能设备制造|C3962 智能车载设备制造|C3963 智能无人飞行器制造|C3964 服务消费机器人制造
C3969 其他智能消费设备制造|C3972 半导体分立器件制造|C3973 集成电路制造|C3974 显示器件制造
C3975 半导体照明器件制造|C3976 光电子器件制造|C3981 电阻电容电感元件制造|C3982 电子电路制造
C3983 敏感元件及传感器制造|C3984 电声器件及零件制造|C3985 电子专用材料制造|C3989 其他电子元件制造
C3990 其他电子设备制造
C4011 工业自动控制系统装置制造|C4012 电工仪器仪表制造|C4014 实验分析仪器制造|C4015 试验机制造
C4016 供应用仪器仪表制造|C4021 环境监测专用仪器仪表制造|C4023 导航、测绘、气象及海洋专用仪器制造
C4210 金属废料和碎屑加工处理|C4320 通用设备修理|C4341 铁路运输设备修理|C4343 航空航天器修理|C4360 仪器仪表修理
D4415 风力发电|D4419 其他电力生产|D4511 天然气生产和供应业
E4811 铁路工程建筑|E4814 城市轨道交通工程建筑|E4874 风能发电工程施工|E4879 其他电力工程施工
F5125 盐及调味品批发|F5134 化妆品及卫生用品批发|F5151 西药批发|F5152 中药批发|F5154 医疗用品及器材批发
F5172 汽车及零配件批发|F5173 摩托车及零配件批发|F5176 计算机、软件及辅助设备批发|F5177 通讯设备批发
F5191 再生物资回收与批发|F5234 化妆品及卫生用品零售|F5251 西药零售|F5252 中药零售
F5261 汽车新车零售|F5262 汽车旧车零售|F5263 汽车零配件零售|F5264 摩托车及零配件零售
F5266 机动车燃气零售|F5267 机动车充电销售|F5272 日用家电零售|F5273 计算机、软件及辅助设备零售
F5274 通信设备零售|F5292 互联网零售
G5411 公共电汽车客运|G5412 城市轨道交通|G5413 出租车客运|G5437 城市配送
G5621 通用航空生产服务|G5622 观光游览航空服务|G5629 其他通用航空服务|G5631 机场|G5632 空中交通管理
G5930 低温仓储|G5960 中药材仓储
I6431 互联网生产服务平台|I6440 互联网安全服务|I6450 互联网数据服务
I6511 基础软件开发|I6512 支撑软件开发|I6513 应用软件开发|I6519 其他软件开发|I6520 集成电路设计
I6531 信息系统集成服务|I6532 物联网技术服务|I6540 运行维护服务|I6550 信息处理和存储支持服务
I6560 信息技术咨询服务|I6571 地理遥感信息服务|I6572 动漫、游戏数字内容服务|I6579 其他数字内容服务
I6591 呼叫中心|I6599 其他未列明信息技术服务业
J6631 融资租赁服务|J6634 汽车金融公司服务|L7111 汽车租赁|L7115 医疗设备经营租赁
M7340 医学研究和试验发展|M7452 检测服务|M7453 计量服务|M7455 认证认可服务
O8111 汽车修理与维护|O8113 摩托车修理与维护|O8121 计算机和辅助设备修理|O8122 通讯设备修理|O8132 日用电器修理
Q8411 综合医院|Q8412 中医医院|Q8431 疾病预防控制中心|Q8492 临床检验服务
`.trim().split(/[|\n]/).map(s => s.trim()).filter(Boolean).map(s => { const i = s.indexOf(' '); return [s.slice(0, i), s.slice(i + 1)]; }));

const STAGES = ['upstream', 'midstream', 'downstream'];
const FULL_TREE = ['nev', 'icv', 'ic', 'display', 'smart_terminal', 'fuel_vehicle', 'power_battery', 'motorcycle', 'biopharma', 'software'];
const SLUG = /^[a-z][a-z0-9_]*$/;
const CODE = /^[A-T]\d{4}$/;

const dir = process.argv.slice(2).find(a => !a.startsWith('--')) || path.join(__dirname, '..', 'data', 'chains');
const errors = [];
const err = (where, msg) => errors.push(`${where}: ${msg}`);
const read = f => { try { return JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')); } catch (e) { err(f, 'does not parse: ' + e.message); return null; } };
const strList = (v, min, max) => Array.isArray(v) && v.length >= min && v.length <= max && v.every(x => typeof x === 'string' && x.length > 0);

const cat = read('catalogue.json');
const files = fs.readdirSync(dir).filter(f => f.endsWith('.json') && f !== 'catalogue.json').map(f => f.slice(0, -5)).sort();
const listed = [];
if (cat) {
  if (typeof cat.version !== 'string') err('catalogue.json', 'version missing');
  if (!Array.isArray(cat.sources) || cat.sources.length === 0) err('catalogue.json', 'sources missing');
  const fwIds = new Set();
  for (const fw of cat.frameworks || []) {
    if (fwIds.has(fw.id)) err('catalogue.json', `duplicate framework ${fw.id}`);
    fwIds.add(fw.id);
    for (const k of ['name_zh', 'name_en', 'source']) if (typeof fw[k] !== 'string' || !fw[k]) err('catalogue.json', `framework ${fw.id}: ${k} missing`);
    if (new Set(fw.chains).size !== fw.chains.length) err('catalogue.json', `framework ${fw.id}: duplicate chain ids`);
    for (const c of fw.chains) if (!listed.includes(c)) listed.push(c);
  }
  const cq = (cat.frameworks || []).find(f => f.id === 'cq2021');
  if (!cq || cq.chains.length !== 33) err('catalogue.json', 'framework cq2021 must list 33 chains');
  for (const c of listed) if (!files.includes(c)) err('catalogue.json', `chain ${c} has no file`);
  for (const f of files) if (!listed.includes(f)) err(f + '.json', 'not listed in any framework');
}

const summary = [];
for (const f of files) {
  const c = read(f + '.json');
  if (!c) continue;
  const w = f + '.json';
  if (c.id !== f) err(w, `id "${c.id}" does not match the file name`);
  if (!SLUG.test(c.id || '')) err(w, 'chain id is not a lowercase slug');
  if (cat && !(cat.frameworks || []).some(fw => fw.id === c.framework && fw.chains.includes(c.id))) err(w, `framework "${c.framework}" does not list it`);
  if (!['confirmed', 'working'].includes(c.status)) err(w, `bad status "${c.status}"`);
  for (const k of ['name_zh', 'name_en', 'sector_zh', 'sector_en', 'source']) if (typeof c[k] !== 'string' || !c[k]) err(w, `${k} missing`);
  const nodes = Array.isArray(c.nodes) ? c.nodes : (err(w, 'nodes missing'), []);
  const seen = new Map();
  for (const [i, n] of nodes.entries()) {
    const at = `${w} node ${n.id || '#' + i}`;
    if (!SLUG.test(n.id || '')) err(at, 'id is not a lowercase slug');
    if (seen.has(n.id)) err(at, 'duplicate id');
    if (n.parent !== null) {
      if (!seen.has(n.parent)) err(at, `parent "${n.parent}" missing or not before the node`);
      else if (seen.get(n.parent).stage !== n.stage) err(at, `stage ${n.stage} differs from parent's ${seen.get(n.parent).stage}`);
    }
    if (!STAGES.includes(n.stage)) err(at, `bad stage "${n.stage}"`);
    for (const k of ['name_zh', 'name_en']) if (typeof n[k] !== 'string' || !n[k]) err(at, `${k} missing`);
    if (!strList(n.products, 2, 5)) err(at, 'products must be 2-5 strings');
    if (!strList(n.technologies, 0, 6)) err(at, 'technologies must be a list of strings');
    if (!strList(n.industries, 1, 3)) err(at, 'industries must be 1-3 codes');
    else for (const code of n.industries) {
      if (!CODE.test(code)) err(at, `bad industry code "${code}"`);
      else if (!GBT4754[code]) err(at, `industry code ${code} not in the GB/T 4754-2017 table of this checker`);
    }
    if (new Set(n.industries || []).size !== (n.industries || []).length) err(at, 'duplicate industry code');
    seen.set(n.id, n);
  }
  const roots = nodes.filter(n => n.parent === null);
  const order = roots.map(n => STAGES.indexOf(n.stage));
  if (order.some((s, i) => i > 0 && s < order[i - 1])) err(w, 'first-level nodes are not ordered upstream → midstream → downstream');
  if (FULL_TREE.includes(f)) {
    if (nodes.length < 18 || nodes.length > 35) err(w, `full tree needs 18-35 nodes, has ${nodes.length}`);
    for (const s of STAGES) if (!roots.some(n => n.stage === s)) err(w, `full tree has no first-level ${s} node`);
    for (const r of roots) if (!nodes.some(n => n.parent === r.id)) err(w, `first-level node ${r.id} has no children`);
  } else if (nodes.length > 35 || (nodes.length === roots.length && (roots.length < 4 || roots.length > 8))) {
    err(w, `needs 4-8 first-level nodes (or a full tree), has ${roots.length} of ${nodes.length}`);
  }
  summary.push(`${c.id.padEnd(18)} ${String(c.status).padEnd(9)} ${String(nodes.length).padStart(2)} nodes  ${c.name_zh}`);
}

if (process.argv.includes('--list')) console.log(summary.join('\n'));
if (errors.length) {
  console.error(errors.join('\n'));
  console.error(`${errors.length} problem(s) in ${dir}`);
  process.exit(1);
}
console.log(`ok: ${files.length} chains, ${Object.keys(GBT4754).length} known industry codes`);
