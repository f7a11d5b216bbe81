/*
 * Unit tests of innov/: the IPC → node map and the node patent stock, growth, holders and
 * derived invention counts against a hand count on a small set of patents.
 */
#include <iconv.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "testutil.h"
#include "chain/chain.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/patent.h"
#include "innov/challenge.h"
#include "match/match.h"
#include "base/builtin.h"
#include "innov/innov.h"
#include "innov/platform.h"
#include "io/import.h"

static char dir[] = "/tmp/cc-innov-XXXXXX";
static struct cc_store *st;
static const struct cc_catalogue *cat;
static const struct innov_map *map;
static struct innov_patents *pat;
static char A[19], B[19], D[19];
static char P[8][16];

/* A valid application number of YEAR, KIND and SERIAL. */
static void pn(char out[16], int year, int kind, int serial)
{
	char d[13];
	snprintf(d, sizeof d, "%04d%d%07d", year, kind, serial);
	snprintf(out, 16, "%s.%c", d, cc_patent_check_char(d, 12));
}

static int setup(void **state)
{
	(void)state;
	char p[256], t[4096];
	struct cc_error err = {0};
	if (!mkdtemp(dir))
		return -1;
	snprintf(p, sizeof p, "%s/i.db", dir);
	if (cc_codes_load(&err) || !(cat = cc_catalogue_get(&err)) ||
	    !(map = innov_map_get(cat, &err)) || cc_store_open(&st, p, CC_STORE_CREATE, &err))
		return -1;
	tu_uscc(A, 500112, 1);
	tu_uscc(B, 500107, 2);
	tu_uscc(D, 440305, 4);
	snprintf(t, sizeof t, "uscc,name,region\n%s,A,500112\n%s,B,500107\n%s,D,440305\n", A, B, D);
	tu_load(st, dir, "e.csv", t);
	/* B's 2023 invention count is imported: deriving must not overwrite it. */
	snprintf(t, sizeof t, "uscc,period,invention_patents\n%s,2023,7\n", B);
	tu_load(st, dir, "i.csv", t);
	pn(P[1], 2019, 1, 100001);
	pn(P[2], 2020, 2, 200002);
	pn(P[3], 2021, 1, 300003);
	pn(P[4], 2023, 1, 400004);
	pn(P[5], 2019, 1, 500005);
	pn(P[6], 2022, 3, 600006);
	pn(P[7], 2018, 1, 700007);
	snprintf(t, sizeof t,
		 "申请号,专利类型,IPC分类号,申请日,授权日,失效日,法律状态,专利权人信用代码\n"
		 /* 1: A, LFP cathode in a Li-ion cell, in force from 2021 */
		 "%s,发明,H01M 10/0525;H01M 4/5825,2019-03-01,2021-06-01,,,%s\n"
		 /* 2: A, utility model, lapsed early in 2023 */
		 "%s,实用新型,H01M 10/0525,2020-05-01,2020-12-01,2023-02-01,,%s\n"
		 /* 3: B, carbon anode, granted 2023 */
		 "%s,发明,H01M 4/583,2021-02-01,2023-03-01,,,%s\n"
		 /* 4: B, pending, filed 2023 */
		 "%s,发明,H01M 10/0525,2023-01-01,,,,%s\n"
		 /* 5: D in Shenzhen: outside Chongqing */
		 "%s,发明,H01M 10/0525,2019-01-01,2020-01-01,,,%s\n"
		 /* 6: A, a design: no IPC, no node */
		 "%s,外观设计,,2022-01-01,2022-06-01,,,%s\n"
		 /* 7: B, invalid with no lapse date: never counted */
		 "%s,发明,H01M 10/0525,2018-01-01,2019-01-01,,失效,%s\n",
		 P[1], A, P[2], A, P[3], B, P[4], B, P[5], D, P[6], A, P[7], B);
	tu_load(st, dir, "p.csv", t);
	return innov_patents_load(st, cat, map, &pat, &err);
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	innov_patents_free(pat);
	cc_store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int node(const char *chain, const char *id)
{
	int k = cc_node_index(cat, chain, id);
	assert_true(k >= 0);
	return k;
}

static void test_map(void **state)
{
	(void)state;
	int out[16];
	int cells = node("power_battery", "cells"), anode = node("power_battery", "anode");
	assert_non_null(innov_map_node_ipc(map, cells));
	/* Service nodes have no prefixes. */
	assert_null(innov_map_node_ipc(map, node("nev", "finance")));
	int n = innov_map_match(map, "H01M 4/583", 10, out, 16);
	int has_anode = 0, has_cathode = 0;
	for (int i = 0; i < n; i++) {
		has_anode |= out[i] == anode;
		has_cathode |= out[i] == node("power_battery", "cathode");
	}
	assert_true(has_anode);
	assert_false(has_cathode); /* 4/5825 is the cathode's prefix, not 4/58 */
	/* A main-group prefix "H01M 10" does not take group 100. */
	assert_int_equal(innov_map_match(map, "Z99Z 1/00", 9, out, 16), 0);
	assert_true(innov_map_nodes(map) > 300);
}

static void test_stock_hand_count(void **state)
{
	(void)state;
	struct chain_scope cq;
	struct cc_error err;
	assert_int_equal(chain_scope_parse("chongqing", &cq, &err), 0);
	struct innov_node_stock *s = calloc((size_t)cat->nnodes, sizeof *s);
	assert_non_null(s);
	assert_int_equal(pat->n, 7);
	innov_stock(pat, map, &cq, 2023, s);
	int cells = node("power_battery", "cells"), km = node("power_battery", "key_materials");
	/* cells (H01M 10/05): 2023 patent 1 only (2 lapsed, 4 pending, 5 outside, 7 invalid);
	 * 2022: patents 1 and 2; filed in 2023: patent 4. */
	assert_int_equal(s[cells].has_ipc, 1);
	assert_int_equal(s[cells].stock, 1);
	assert_int_equal(s[cells].stock_prev, 2);
	assert_int_equal(s[cells].inventions, 1);
	assert_int_equal(s[cells].holders, 1);
	assert_int_equal(s[cells].filed, 1);
	assert_true(fabs(s[cells].growth - (-0.5)) < 1e-12);
	/* key materials (H01M 4): patents 1 (A) and 3 (B); a year before only 1. */
	assert_int_equal(s[km].stock, 2);
	assert_int_equal(s[km].holders, 2);
	assert_int_equal(s[km].inventions, 2);
	assert_int_equal(s[km].stock_prev, 1);
	assert_int_equal(s[node("power_battery", "anode")].stock, 1);
	assert_int_equal(s[node("power_battery", "cathode")].stock, 1);
	assert_int_equal(s[node("power_battery", "lfp_cells")].stock, 1);
	/* A node without prefixes has none and no figures. */
	assert_int_equal(s[node("nev", "finance")].has_ipc, 0);
	/* 2022: patents 1 and 2 in cells, both A's: one holder; growth against 2021 (1 and 2). */
	innov_stock(pat, map, &cq, 2022, s);
	assert_int_equal(s[cells].stock, 2);
	assert_int_equal(s[cells].holders, 1);
	assert_int_equal(s[cells].stock_prev, 2);
	assert_true(fabs(s[cells].growth) < 1e-12);
	/* Shenzhen's district: patent 5 only. */
	struct chain_scope sz;
	assert_int_equal(chain_scope_parse("440305", &sz, &err), 0);
	innov_stock(pat, map, &sz, 2023, s);
	assert_int_equal(s[cells].stock, 1);
	assert_int_equal(s[km].stock, 0);
	assert_true(isnan(s[km].growth));
	free(s);
	/* Holders of key materials: one patent each, A before B (enterprise id). */
	struct innov_holder h[4];
	assert_int_equal(innov_node_holders(pat, &cq, 2023, km, h, 4), 2);
	assert_true(h[0].enterprise_id < h[1].enterprise_id);
	assert_int_equal(h[0].stock, 1);
	assert_int_equal(h[1].inventions, 1);
}

static int sum_cb(void *ctx, int64_t id, int64_t count)
{
	(void)id;
	*(int64_t *)ctx += count * 1000 + 1;
	return 0;
}

static void test_derive(void **state)
{
	(void)state;
	struct cc_error err = {0};
	int64_t acc = 0;
	/* 2023: A one (patent 1), B one (3), D one (5): three holders, three inventions. */
	assert_int_equal(innov_inventions(pat, 2023, sum_cb, &acc), 0);
	assert_int_equal(acc, 3003);
	/* Written for A and D; B's imported 7 stays. */
	assert_int_equal(innov_derive_inventions(st, pat, 2023, &err), 2);
	char q[256];
	snprintf(q, sizeof q,
		 "SELECT invention_patents FROM indicators i JOIN enterprises e ON e.id = "
		 "i.enterprise_id WHERE e.uscc = '%s' AND period = 202300",
		 B);
	assert_int_equal(cc_store_int(st, q, -1), 7);
	snprintf(q, sizeof q,
		 "SELECT invention_patents FROM indicators i JOIN enterprises e ON e.id = "
		 "i.enterprise_id WHERE e.uscc = '%s' AND period = 202300",
		 A);
	assert_int_equal(cc_store_int(st, q, -1), 1);
	/* Deriving again changes nothing. */
	assert_int_equal(innov_derive_inventions(st, pat, 2023, &err), 0);
}

static void test_tech_status(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct innov_tech t[64];
	int sep = node("power_battery", "separator");
	int n0 = innov_tech_list(st, cat, sep, t, 64, &err);
	assert_true(n0 >= 1);
	assert_int_equal(t[0].in_catalogue, 1);
	assert_string_equal(t[0].status, ""); /* not set yet */
	char first[256];
	snprintf(first, sizeof first, "%s", t[0].name);
	/* A catalogue technology gets a status; a new one is added after the catalogue's. */
	assert_int_equal(innov_tech_set(st, cat, sep, first, "catching_up", 0, NULL, "ana", &err),
			 0);
	assert_int_equal(
		innov_tech_set(st, cat, sep, "干法隔膜", "absent", 1, "无本地企业", "ana", &err),
		0);
	int n = innov_tech_list(st, cat, sep, t, 64, &err);
	assert_int_equal(n, n0 + 1);
	assert_string_equal(t[0].status, "catching_up");
	assert_string_equal(t[n - 1].name, "干法隔膜");
	assert_string_equal(t[n - 1].status, "absent");
	assert_int_equal(t[n - 1].chokepoint, 1);
	assert_int_equal(t[n - 1].in_catalogue, 0);
	assert_string_equal(t[n - 1].note, "无本地企业");
	/* Changed again: one row, and each change audited with before and after. */
	assert_int_equal(
		innov_tech_set(st, cat, sep, "干法隔膜", "catching_up", 0, NULL, "ana", &err), 0);
	assert_int_equal(innov_tech_list(st, cat, sep, t, 64, &err), n0 + 1);
	assert_int_equal(cc_store_int(st,
				      "SELECT count(*) FROM audit WHERE action = 'innov.tech' AND "
				      "target LIKE 'power_battery.separator/%'",
				      -1),
			 3);
	assert_int_equal(cc_store_int(st,
				      "SELECT count(*) FROM audit WHERE action = 'innov.tech' AND "
				      "before LIKE '%absent%' AND after LIKE '%catching_up%'",
				      -1),
			 1);
	/* Refused: a status not in the list, an empty technology. */
	assert_int_equal(innov_tech_set(st, cat, sep, "x", "ahead", 0, NULL, "ana", &err),
			 CC_EINVAL);
	assert_int_equal(innov_tech_set(st, cat, sep, "", "absent", 0, NULL, "ana", &err),
			 CC_EINVAL);
}

static void test_platforms(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct innov_platform_in p = {
		"电池中心", "技术创新中心", "市级", A, "power_battery.cells; bms", "2021-06-01",
		NULL};
	int64_t id = innov_platform_put(st, cat, &p, "ana", &err);
	assert_true(id > 0);
	/* Updated by name, not duplicated. */
	p.level = "national";
	assert_int_equal(innov_platform_put(st, cat, &p, "ana", &err), id);
	struct innov_platform_in park = {"环大学园", "university_park",	    "district",
					 "重庆大学", "power_battery.cells", NULL,
					 NULL};
	assert_true(innov_platform_put(st, cat, &park, "ana", &err) > id);
	/* Refused: an unknown kind, level or node, a bad date. */
	struct innov_platform_in bad = p;
	bad.kind = "lab";
	assert_int_equal(innov_platform_put(st, cat, &bad, "ana", &err), CC_EINVAL);
	bad = p;
	bad.nodes = "power_battery.nope";
	assert_int_equal(innov_platform_put(st, cat, &bad, "ana", &err), CC_EINVAL);
	bad = p;
	bad.recognised = "2021-13-01";
	assert_int_equal(innov_platform_put(st, cat, &bad, "ana", &err), CC_EINVAL);
	struct innov_consortium_in c = {"固态联合体", B,    "重庆大学", "power_battery.next_gen",
					"固态电解质", NULL, "active"};
	assert_true(innov_consortium_put(st, cat, &c, "ana", &err) > 0);
	struct innov_consortium_in nc = c;
	nc.leader = "重庆大学"; /* the leader is an enterprise */
	assert_int_equal(innov_consortium_put(st, cat, &nc, "ana", &err), CC_EINVAL);
	/* Coverage: cells has two platforms (one national), bms one, next_gen a consortium. */
	struct innov_coverage *cv = calloc((size_t)cat->nnodes, sizeof *cv);
	assert_non_null(cv);
	assert_int_equal(innov_coverage(st, cat, cv, &err), 0);
	int cells = node("power_battery", "cells");
	assert_int_equal(cv[cells].platforms, 2);
	assert_int_equal(cv[cells].national, 1);
	assert_int_equal(cv[node("power_battery", "bms")].platforms, 1);
	assert_int_equal(cv[node("power_battery", "next_gen")].consortia, 1);
	assert_int_equal(cv[node("power_battery", "anode")].platforms, 0);
	free(cv);
	assert_int_equal(
		cc_store_int(st,
			     "SELECT count(*) FROM audit WHERE action IN ('innov.platform', "
			     "'innov.consortium')",
			     -1),
		4);
}

/* After test_platforms: A hosts the national platform serving cells. */
static void test_challenge(void **state)
{
	(void)state;
	struct cc_error err = {0};
	struct chain_scope cq;
	assert_int_equal(chain_scope_parse("chongqing", &cq, &err), 0);
	struct innov_challenge_in in = {"电芯攻关",   "power_battery.cells", "固态电解质",
					"2027-06-30", "市经济信息委",	     500};
	int64_t id = innov_challenge_post(st, cat, &in, "ana", &err);
	assert_true(id > 0);
	struct innov_applicant *a = NULL;
	int n = 0;
	assert_int_equal(innov_challenge_rank(st, cat, pat, &cq, 2023, id, 10, &a, &n, &err), 0);
	/* Candidates: A (patent 1 in force, the platform, in Chongqing) and D (patent 5, in
	 * Shenzhen); B's patents under cells are pending or invalid. Scores by hand with the
	 * weights file (0.3 inventions, 0.1 patents, 0.2 platform, 0.2 membership, 0.1 local,
	 * 0.5 for a firm outside the scope, 0.1 text: no titles here): A 0.3 + 0.1 + 0.2 + 0 +
	 * 0.1 = 0.7, D 0.3 + 0.1 + 0.05 = 0.45. */
	assert_int_equal(n, 2);
	assert_true(fabs(a[0].score - 0.7) < 1e-9);
	assert_true(fabs(a[1].score - 0.45) < 1e-9);
	assert_string_equal(a[0].platform_level, "national");
	assert_int_equal(a[0].local, 1);
	assert_int_equal(a[1].local, 0);
	assert_int_equal(a[1].inventions, 1);
	assert_true(fabs(a[1].weight[4] * a[1].value[4] - 0.05) < 1e-9);
	free(a);
	/* Award binds the winner once; an unknown challenge is not found. */
	assert_int_equal(innov_challenge_award(st, id, A, "2026 样品", "ana", &err), 0);
	assert_int_equal(innov_challenge_award(st, id, A, NULL, "ana", &err), CC_ENOTFOUND);
	assert_int_equal(innov_challenge_rank(st, cat, pat, &cq, 2023, 999, 10, &a, &n, &err),
			 CC_ENOTFOUND);
	in.node = "power_battery.nope";
	assert_int_equal(innov_challenge_post(st, cat, &in, "ana", &err), CC_EINVAL);
}

/* Writes TEXT (UTF-8) to DIR/NAME, in GB18030 when GB is set (what Chinese Excel saves). */
static void write_file(const char *name, const char *text, int gb)
{
	char p[256], out[8192];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	size_t n = strlen(text);
	const char *data = text;
	if (gb) {
		iconv_t cd = iconv_open("GB18030", "UTF-8");
		assert_true(cd != (iconv_t)-1);
		char *in = (char *)text, *o = out;
		size_t left = n, room = sizeof out;
		assert_true(iconv(cd, &in, &left, &o, &room) != (size_t)-1);
		iconv_close(cd);
		data = out;
		n = sizeof out - room;
	}
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

/* Imports DIR/NAME as ACTOR (kind from the header) into *RES; the reject report is
 * DIR/NAME.rej, read into REJ. Returns cc_import_file's code. */
static int import_as(const char *name, const char *actor, struct cc_import_result *res, char *rej,
		     size_t cap)
{
	char p[256], rp[300];
	struct cc_import_opts o = {0};
	struct cc_error err = {0};
	snprintf(p, sizeof p, "%s/%s", dir, name);
	snprintf(rp, sizeof rp, "%s.rej", p);
	o.kind = CC_KIND_AUTO;
	o.rejects_path = rp;
	o.actor = actor;
	int rc = cc_import_file(st, p, &o, res, &err);
	cc_import_result_release(res);
	FILE *f = fopen(rp, "rb");
	assert_non_null(f);
	size_t n = fread(rej, 1, cap - 1, f);
	rej[n] = '\0';
	fclose(f);
	return rc;
}

static int64_t audits(void)
{
	return cc_store_int(st,
			    "SELECT count(*) FROM audit WHERE action IN ('innov.platform', "
			    "'innov.consortium') AND actor = 'imp'",
			    -1);
}

/* platforms.csv and consortia.csv: told from their headers (Chinese in GB18030, English in
 * UTF-8), every bad row rejected by line and column, upserted by name, audited as the POST
 * routes are only when a row changed something, so the same file again changes nothing. */
static void test_registry_import(void **state)
{
	(void)state;
	char t[4096], rej[8192];
	struct cc_import_result res;
	snprintf(t, sizeof t,
		 "平台名称,平台类型,级别,依托单位,服务环节,认定日期,复核日期\n"
		 "导入中心,制造业创新中心,国家级,%s,power_battery.cells;bms,2020-01-01,2023-01-01\n"
		 ",key_lab,市级,重庆大学,,,\n"
		 "类型错,研究院,市级,重庆大学,,,\n"
		 "级别错,key_lab,省级,重庆大学,,,\n"
		 "环节错,key_lab,市级,重庆大学,power_battery.nope,,\n"
		 "代码错,key_lab,市级,91500112MA00000011,,,\n"
		 "未登记,key_lab,市级,91500112MA00000020,,,\n"
		 "复核早,key_lab,市级,重庆大学,,2022-05-01,2021-05-01\n"
		 "导入孵化器,科技企业孵化器,区县级,重庆大学,next_gen,2024-02-29,\n",
		 A);
	write_file("platforms.csv", t, 1);
	long long before = (long long)audits();
	assert_int_equal(import_as("platforms.csv", "imp", &res, rej, sizeof rej), CC_EREJECT);
	assert_int_equal(res.kind, CC_KIND_PLATFORMS);
	assert_string_equal(res.format, "gb18030");
	assert_int_equal(res.accepted, 2);
	assert_int_equal(res.rejected, 7);
	assert_non_null(strstr(rej, "\n3,name,,"));
	assert_non_null(strstr(rej, "\n4,kind,研究院,"));
	assert_non_null(strstr(rej, "\n5,level,省级,"));
	assert_non_null(strstr(rej, "\n6,nodes,power_battery.nope,"));
	assert_non_null(strstr(rej, "\n7,host,91500112MA00000011,"));
	assert_non_null(strstr(rej, "\n8,host,91500112MA00000020,企业不在名录中"));
	assert_non_null(strstr(rej, "\n9,reviewed,2021-05-01,复核日期早于认定日期"));
	assert_int_equal(audits(), before + 2);
	assert_int_equal(cc_store_int(st,
				      "SELECT count(*) FROM platforms WHERE name = '导入中心' AND "
				      "kind = 'mfg_innovation_center' AND level = 'national' AND "
				      "host_id IS NOT NULL AND host_name IS NULL AND nodes = "
				      "'power_battery.cells;power_battery.bms'",
				      -1),
			 1);
	/* The same file again: the same rows load, nothing is written or audited. */
	assert_int_equal(import_as("platforms.csv", "imp", &res, rej, sizeof rej), CC_EREJECT);
	assert_int_equal(res.accepted, 2);
	assert_int_equal(audits(), before + 2);
	/* An updated row: one audit row, the new level stored. */
	snprintf(t, sizeof t, "name,kind,level,host\n导入孵化器,incubator,municipal,重庆大学\n");
	write_file("platforms2.csv", t, 0);
	assert_int_equal(import_as("platforms2.csv", "imp", &res, rej, sizeof rej), 0);
	assert_int_equal(res.kind, CC_KIND_PLATFORMS);
	assert_int_equal(audits(), before + 3);
	assert_int_equal(
		cc_store_int(st,
			     "SELECT count(*) FROM platforms WHERE name = '导入孵化器' AND "
			     "level = 'municipal' AND nodes = 'power_battery.next_gen' AND "
			     "recognised = '2024-02-29'",
			     -1),
		1);

	snprintf(
		t, sizeof t,
		"name,leader,members,node,technology,milestones,status\n"
		"导入联合体,%s,重庆大学；%s、12500000450400000C,power_battery.next_gen,硫化物电解质,"
		"2026 样机,运行中\n"
		"无牵头,,重庆大学,power_battery.cells,隔膜,,\n"
		"成员错,%s,12500000450400000G,power_battery.cells,隔膜,,\n"
		"环节错,%s,,nope.x,隔膜,,\n"
		"无技术,%s,,power_battery.cells,,,\n"
		"状态错,%s,,power_battery.cells,隔膜,,paused\n"
		"未登记,91500112MA00000020,,power_battery.cells,隔膜,,\n",
		A, B, A, A, A, A);
	write_file("consortia.csv", t, 0);
	assert_int_equal(import_as("consortia.csv", "imp", &res, rej, sizeof rej), CC_EREJECT);
	assert_int_equal(res.kind, CC_KIND_CONSORTIA);
	assert_int_equal(res.accepted, 1);
	assert_int_equal(res.rejected, 6);
	assert_non_null(strstr(rej, "\n3,leader,,"));
	assert_non_null(strstr(rej, "\n4,members,12500000450400000G,"));
	assert_non_null(strstr(rej, "\n5,node,nope.x,"));
	assert_non_null(strstr(rej, "\n6,technology,,"));
	assert_non_null(strstr(rej, "\n7,status,paused,"));
	assert_non_null(strstr(rej, "\n8,leader,91500112MA00000020,企业不在名录中"));
	char want[512];
	snprintf(want, sizeof want,
		 "SELECT count(*) FROM consortia WHERE name = '导入联合体' AND members = "
		 "'重庆大学;%s;12500000450400000C' AND chain = 'power_battery' AND node = "
		 "'next_gen' AND status = 'active'",
		 B);
	assert_int_equal(cc_store_int(st, want, -1), 1);
	assert_int_equal(audits(), before + 4);
	assert_int_equal(import_as("consortia.csv", "imp", &res, rej, sizeof rej), CC_EREJECT);
	assert_int_equal(audits(), before + 4);
	/* Coverage counts the imported registries: next_gen gains the consortium. */
	struct cc_error err = {0};
	struct innov_coverage *cv = calloc((size_t)cat->nnodes, sizeof *cv);
	assert_non_null(cv);
	assert_int_equal(innov_coverage(st, cat, cv, &err), 0);
	assert_int_equal(cv[node("power_battery", "next_gen")].consortia, 2);
	free(cv);
}

/* Ranks challenge ID (scope Chongqing, 2023) into *A and *N. */
static void rank_challenge(int64_t id, struct innov_applicant **a, int *n)
{
	struct cc_error err = {0};
	struct chain_scope cq;
	assert_int_equal(chain_scope_parse("chongqing", &cq, &err), 0);
	int rc = innov_challenge_rank(st, cat, pat, &cq, 2023, id, 10, a, n, &err);
	if (rc)
		print_error("%s\n", err.msg);
	assert_int_equal(rc, 0);
}

/*
 * After test_challenge: the applicants go through the matching engine's score, order and
 * text share. D's patent title names the technology (固态电解质), A's does not: D's text
 * component is 1, A's 0. With the shipped weights A stays first (0.7 against 0.45 + 0.1);
 * with text weighted 0.5 (a commission's data folder) D passes A (0.95 against 0.7): the order
 * follows the components. Each component's reason names what it counted.
 */
static void test_challenge_engine(void **state)
{
	(void)state;
	struct cc_error err = {0};
	char sql[300];
	snprintf(sql, sizeof sql,
		 "UPDATE patents SET title = '一种硫化物固态电解质及全固态电池' WHERE holder_id = "
		 "(SELECT id FROM enterprises WHERE uscc = '%s')",
		 D);
	assert_int_equal(cc_store_exec(st, sql, &err), 0);
	snprintf(sql, sizeof sql,
		 "UPDATE patents SET title = '磷酸铁锂正极材料及其制备方法' WHERE holder_id = "
		 "(SELECT id FROM enterprises WHERE uscc = '%s')",
		 A);
	assert_int_equal(cc_store_exec(st, sql, &err), 0);
	struct innov_challenge_in in = {"固态电池攻关", "power_battery.cells", "固态电解质",
					"2027-06-30",	"市经济信息委",	       300};
	int64_t id = innov_challenge_post(st, cat, &in, "ana", &err);
	assert_true(id > 0);
	struct innov_applicant *a = NULL;
	int n = 0;
	rank_challenge(id, &a, &n);
	assert_int_equal(n, 2);
	assert_string_equal(innov_component_ids[5], "text");
	int ia = 0, id_ = 1;
	assert_true(fabs(a[ia].value[5]) < 1e-12);
	assert_true(fabs(a[id_].value[5] - 1) < 1e-12);
	assert_non_null(strstr(a[id_].matched, "固态电解质"));
	assert_true(fabs(a[ia].score - 0.7) < 1e-9);
	assert_true(fabs(a[id_].score - 0.55) < 1e-9);
	for (int i = 0; i < n; i++) {
		double sum = 0;
		for (int k = 0; k < INNOV_COMPONENTS; k++)
			sum += a[i].weight[k] * a[i].value[k];
		assert_true(fabs(sum - a[i].score) < 1e-9);
		assert_true(i == 0 || a[i - 1].score >= a[i].score);
	}
	/* The explanation names each component's count. */
	char zh[300], en[300];
	innov_applicant_reason(&a[id_], 5, zh, en, sizeof zh);
	assert_non_null(strstr(zh, "固态电解质"));
	assert_non_null(strstr(en, "固态电解质"));
	innov_applicant_reason(&a[ia], 5, zh, en, sizeof zh);
	assert_non_null(strstr(zh, "无共同文字"));
	innov_applicant_reason(&a[ia], 2, zh, en, sizeof zh);
	assert_non_null(strstr(zh, "国家级"));
	innov_applicant_reason(&a[id_], 4, zh, en, sizeof zh);
	assert_string_equal(zh, "外地企业");
	innov_applicant_reason(&a[id_], 0, zh, en, sizeof zh);
	assert_string_equal(zh, "该环节有效发明专利 1 件");
	json_t *part = match_demand_part(innov_component_ids[5], innov_component_zh[5],
					 a[id_].value[5], a[id_].weight[5], zh, en);
	assert_string_equal(json_string_value(json_object_get(part, "component")), "text");
	assert_true(fabs(json_number_value(json_object_get(part, "contribution")) - 0.1) < 1e-12);
	json_decref(part);
	free(a);
	/* Text weighted 0.5: D (0.45 + 0.5) passes A (0.7). */
	char wdir[128], wpath[200];
	snprintf(wdir, sizeof wdir, "%s/data", dir);
	snprintf(wpath, sizeof wpath, "%s/innovation", wdir);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "mkdir -p %s", wpath);
	assert_int_equal(system(cmd), 0);
	snprintf(wpath, sizeof wpath, "%s/innovation/challenge_weights.json", wdir);
	FILE *fp = fopen(wpath, "w");
	assert_non_null(fp);
	fputs("{\"weights\": {\"inventions\": 0.3, \"patents\": 0.1, \"platform\": 0.2, "
	      "\"membership\": 0.2, \"local\": 0.1, \"text\": 0.5}, \"platform_level\": "
	      "{\"national\": 1.0, \"municipal\": 0.7, \"district\": 0.4}, "
	      "\"membership_role\": {\"master\": 1.0, \"core\": 0.8, \"member\": 0.6, "
	      "\"chain\": 0.3}, \"local_outside\": 0.5}",
	      fp);
	fclose(fp);
	cc_data_set_dir(wdir);
	rank_challenge(id, &a, &n);
	cc_data_set_dir(NULL);
	assert_int_equal(n, 2);
	assert_true(fabs(a[0].value[5] - 1) < 1e-12); /* D first now */
	assert_true(fabs(a[0].score - 0.95) < 1e-9);
	assert_true(fabs(a[1].score - 0.7) < 1e-9);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_stock_hand_count),
		cmocka_unit_test(test_derive),
		cmocka_unit_test(test_tech_status),
		cmocka_unit_test(test_platforms),
		cmocka_unit_test(test_challenge),
		cmocka_unit_test(test_challenge_engine),
		cmocka_unit_test(test_registry_import),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
