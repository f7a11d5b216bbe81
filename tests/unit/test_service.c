/*
 * Unit tests of solution-provider matching (issue 16 item 6, match/service.c through
 * match_rank): a planned retrofit project's need posted as a service demand and ranked
 * against hand-made providers whose order is argued below, the explanation's components and
 * reasons, the separation of services from products, and the refusals of bad service fields.
 *
 * The world: the need's enterprise U0 (Chongqing, industry C3670), providers U1..U6 with the
 * same offer title (equal bm25) and no certificates or size (equal credibility), so that
 * capability, industry served, region and track record make the order.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testutil.h"
#include "base/buf.h"
#include "digital/digital.h"
#include "digital/retrofit.h"
#include "match/match.h"

#define near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static char dir[64];
static struct cc_store *st;
static struct cc_frame *frame;
static char U[8][19];
static const int regions[8] = {500112, 510107, 310115, 510104, 500105, 510703, 500106, 510105};
static const char *const industries[8] = {"C3670", "I6513", "I6513", "I6513",
					  "I6513", "I6513", "I6513", "C3670"};

static void world(void)
{
	char p[128], t[4096];
	struct cc_error err = {0};
	snprintf(dir, sizeof dir, "/tmp/cc-svc-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/s.db", dir);
	assert_int_equal(cc_store_open(&st, p, CC_STORE_CREATE, &err), 0);
	size_t used = (size_t)snprintf(t, sizeof t, "uscc,name,region,industry\n");
	for (int i = 0; i < 8; i++) {
		tu_uscc(U[i], regions[i], 300 + i);
		used += (size_t)snprintf(t + used, sizeof t - used, "%s,企业%d,%d,%s\n", U[i], i,
					 regions[i], industries[i]);
	}
	tu_load(st, dir, "e.csv", t);
	assert_int_equal(match_refresh(st, &err), 0);
}

static void world_end(void)
{
	char cmd[128];
	cc_frame_release(frame);
	frame = NULL;
	cc_store_close(st);
	st = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Posts a posting of U[WHO]; returns its id (asserts it is accepted). */
static int64_t post(int who, const char *kind, const char *title, const char *category,
		    const char *caps, const char *inds)
{
	struct cc_error err = {0};
	struct posting_in in = {.kind = kind,
				.uscc = U[who],
				.title = title,
				.category = category,
				.capabilities = caps,
				.industries = inds,
				.actor = "test"};
	int64_t id = 0;
	int rc = posting_save(st, &in, &id, &err);
	if (rc)
		print_error("%s\n", err.msg);
	assert_int_equal(rc, 0);
	return id;
}

static int pos_of(const struct match_result *r, int who)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(frame->uscc[r->items[i].ent], U[who]))
			return i;
	return -1;
}

static void test_need_ranked_against_providers(void **state)
{
	(void)state;
	struct cc_error err = {0};
	world();
	/* U1 Chengdu: cnc, serves C36 (the need's division): capability 1, industry 1, in 川渝,
	 *   across the pair: .35 + .20 + .10 + .05 = .70.
	 * U5 Mianyang: cnc, serves C26 (not the need's): .35 + 0 + .10 + .05, and a full track
	 *   record (5 completed projects it provided): + .15 = .65.
	 * U2 Shanghai: cnc, serves C36: .35 + .20, outside 川渝, no pair: .55.
	 * U3 Chengdu: only the kind "intelligent" (kind_only .5): .175 + .20 + .10 + .05 = .525.
	 * U4 Chongqing offers energy saving only: not a candidate. U6's product supply of the
	 * same title is not a service: not a candidate. Text is equal for all (same title). */
	post(1, "supply", "数控化改造服务", "service", "cnc;automation", "C36");
	post(5, "supply", "数控化改造服务", "service", "数控化改造", "C26");
	post(2, "supply", "数控化改造服务", "service", "cnc", "C36");
	post(3, "supply", "数控化改造服务", "service", "intelligent", "C36");
	post(4, "supply", "数控化改造服务", "service", "energy_saving", "C36");
	post(6, "supply", "数控化改造服务", NULL, NULL, NULL);
	for (int k = 0; k < 5; k++)
		assert_int_equal(
			cc_store_exec(st,
				      "INSERT INTO retrofit_projects(enterprise_id, title, "
				      "kind, status, provider, created_by) SELECT id, 'x', "
				      "'intelligent', 'completed', '企业5', 't' FROM "
				      "enterprises WHERE name = '企业7'",
				      &err),
			0);
	/* A completed project of U2's is no track record of U2's: it is not the provider. */
	assert_int_equal(
		cc_store_exec(st,
			      "INSERT INTO retrofit_projects(enterprise_id, title, kind, "
			      "status, provider, created_by) SELECT id, 'y', 'green', "
			      "'completed', NULL, 't' FROM enterprises WHERE name = '企业2'",
			      &err),
		0);
	/* The need: a planned project of U0's, posted as a service demand. */
	struct retrofit r = {.title = "关键工序数控化改造",
			     .kind = "intelligent",
			     .status = "planned",
			     .investment = NAN,
			     .expected_saved = NAN,
			     .measured_saved = NAN,
			     .cnc_before = NAN,
			     .cnc_after = NAN};
	snprintf(r.capabilities, sizeof r.capabilities, "cnc");
	r.enterprise_id = cc_store_int(st, "SELECT id FROM enterprises WHERE name = '企业0'", 0);
	int64_t project = 0, need = 0, again = 0;
	int created = 0;
	assert_int_equal(retrofit_add(st, &r, "test", &project, &err), 0);
	assert_int_equal(retrofit_need_post(st, project, "test", &need, &created, &err), 0);
	assert_true(need > 0);
	assert_int_equal(created, 1);
	assert_int_equal(retrofit_need_post(st, project, "test", &again, &created, &err), 0);
	assert_true(again == need && created == 0); /* posted once */
	assert_int_equal(cc_frame_build(st, 0, &frame, &err), 0);

	struct match_result m;
	int rc = match_rank(st, frame, need, "2026-06-01", &m, &err);
	if (rc)
		print_error("%s\n", err.msg);
	assert_int_equal(rc, 0);
	assert_true(m.service);
	assert_int_equal(m.n, 4);
	assert_int_equal(pos_of(&m, 1), 0);
	assert_int_equal(pos_of(&m, 5), 1);
	assert_int_equal(pos_of(&m, 2), 2);
	assert_int_equal(pos_of(&m, 3), 3);
	assert_int_equal(pos_of(&m, 4), -1);
	assert_int_equal(pos_of(&m, 6), -1);
	near(m.items[0].comp[MATCH_C_CAPABILITY], 1, 0);
	near(m.items[0].comp[MATCH_C_INDUSTRY], 1, 0);
	near(m.items[1].comp[MATCH_C_INDUSTRY], 0, 0);
	near(m.items[1].comp[MATCH_C_TRACK], 1, 0);
	near(m.items[0].comp[MATCH_C_TRACK], 0, 0);
	near(m.items[2].comp[3], 0, 0); /* Shanghai: not in the preferred 川渝 */
	near(m.items[3].comp[MATCH_C_CAPABILITY], 0.5, 1e-12);
	const struct match_weights *W = match_weights_get(NULL);
	near(m.items[0].score - m.items[1].score, W->ws[MATCH_C_INDUSTRY] - W->ws[MATCH_C_TRACK],
	     3e-9);

	/* The explanation names the service components with their contributions. */
	struct cc_buf b = CC_BUF_INIT(1 << 20);
	assert_int_equal(match_item_write(st, frame, &m, 1, &b), 0);
	json_t *j = json_loads(cc_buf_str(&b), 0, NULL);
	cc_buf_release(&b);
	assert_non_null(j);
	json_t *ex = json_object_get(j, "explanation");
	assert_int_equal(json_array_size(ex), 7);
	double sum = 0;
	int seen = 0;
	size_t i;
	json_t *e;
	json_array_foreach(ex, i, e)
	{
		const char *c = json_string_value(json_object_get(e, "component"));
		const char *zh = json_string_value(json_object_get(e, "reason_zh"));
		sum += json_number_value(json_object_get(e, "contribution"));
		assert_true(strcmp(c, "node") && strcmp(c, "quantity"));
		if (!strcmp(c, "capability")) {
			assert_non_null(strstr(zh, "数控化改造"));
			seen |= 1;
		} else if (!strcmp(c, "track_record")) {
			assert_non_null(strstr(zh, "5 个"));
			seen |= 2;
		} else if (!strcmp(c, "industry")) {
			assert_non_null(strstr(zh, "C26"));
			assert_non_null(strstr(zh, "不在其服务范围内"));
			seen |= 4;
		}
	}
	assert_int_equal(seen, 7);
	near(sum, json_number_value(json_object_get(j, "score")), 1e-9);
	json_decref(j);
	match_result_free(&m);

	/* A product demand of the same words never meets the services: only U6's product. */
	int64_t prod = post(7, "demand", "采购数控化改造服务", NULL, NULL, NULL);
	cc_frame_release(frame);
	assert_int_equal(cc_frame_build(st, 0, &frame, &err), 0);
	assert_int_equal(match_rank(st, frame, prod, "2026-06-01", &m, &err), 0);
	for (int k = 0; k < m.n; k++)
		assert_true(!m.items[k].is_posting || pos_of(&m, 6) == k);
	assert_true(pos_of(&m, 6) >= 0);
	match_result_free(&m);
	world_end();
}

static void test_service_fields_refused(void **state)
{
	(void)state;
	struct cc_error err = {0};
	world();
	int64_t id = 0;
	struct posting_in in = {.kind = "supply",
				.uscc = U[1],
				.title = "服务",
				.category = "service",
				.capabilities = "teleportation",
				.actor = "t"};
	assert_int_equal(posting_save(st, &in, &id, &err), CC_EINVAL);
	assert_string_equal(posting_error_field(&err), "capabilities");
	assert_non_null(strstr(err.msg, "teleportation"));
	in.capabilities = NULL;
	assert_int_equal(posting_save(st, &in, &id, &err), CC_EINVAL);
	assert_string_equal(posting_error_field(&err), "capabilities");
	in.capabilities = "cnc";
	in.industries = "C9999";
	assert_int_equal(posting_save(st, &in, &id, &err), CC_EINVAL);
	assert_string_equal(posting_error_field(&err), "industries");
	in.category = "goods";
	in.industries = NULL;
	assert_int_equal(posting_save(st, &in, &id, &err), CC_EINVAL);
	assert_string_equal(posting_error_field(&err), "category");
	in.category = NULL; /* a product with capabilities */
	assert_int_equal(posting_save(st, &in, &id, &err), CC_EINVAL);
	assert_string_equal(posting_error_field(&err), "capabilities");
	in.category = "服务";
	assert_int_equal(posting_save(st, &in, &id, &err), 0);
	json_t *p = posting_get(st, id, 0, &err);
	assert_string_equal(json_string_value(json_object_get(p, "category")), "service");
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(p, "capabilities"), 0), "name_zh")),
		"数控化改造");
	json_decref(p);
	struct posting_in up = {.id = id, .category = "product", .actor = "t"};
	assert_int_equal(posting_save(st, &up, &id, &err), CC_EINVAL);
	assert_string_equal(posting_error_field(&err), "category");
	/* A project that is not planned posts no need. */
	assert_int_equal(cc_store_exec(st,
				       "INSERT INTO retrofit_projects(enterprise_id, title, kind, "
				       "status, created_by) SELECT id, 'z', 'green', 'completed', "
				       "'t' FROM enterprises WHERE name = '企业0'",
				       &err),
			 0);
	int64_t need = 0;
	assert_int_equal(retrofit_need_post(st, cc_store_last_id(st), "t", &need, NULL, &err),
			 CC_EINVAL);
	assert_non_null(strstr(err.msg, "planned"));
	assert_int_equal(retrofit_need_post(st, 9999, "t", &need, NULL, &err), CC_ENOTFOUND);
	world_end();
}

/* A maturity gap posted as a service need: the latest assessment's gaps (l2_equipment answered
 * 0: CNC and automation asked) become the need's capabilities; a provider of CNC is ranked,
 * one of energy saving or MES only is not; posting again gives the same posting back. */
static void test_gap_need(void **state)
{
	(void)state;
	struct cc_error err = {0};
	world();
	post(1, "supply", "数控化改造服务", "service", "cnc", "C36");
	post(2, "supply", "节能改造服务", "service", "energy_saving", "C36");
	post(3, "supply", "MES实施服务", "service", "mes", "C36");
	const struct digital_model *m = digital_model_get(&err);
	assert_non_null(m);
	struct digital_assessment a;
	memset(&a, 0, sizeof a);
	a.year = 2024;
	a.cnc_rate = a.rd_tool_rate = a.networking_rate = NAN;
	for (int q = 0; q < m->nquestions; q++)
		a.answers[q] = m->q[q].level == 1 ? 1 : m->q[q].level == 2 ? 1 : NAN;
	a.answers[digital_question_find(m, "l2_equipment", strlen("l2_equipment"))] = 0;
	int64_t e0 = cc_store_int(st, "SELECT id FROM enterprises WHERE name = '企业0'", 0);
	int64_t e1 = cc_store_int(st, "SELECT id FROM enterprises WHERE name = '企业1'", 0);
	assert_int_equal(cc_store_begin(st, &err), 0);
	assert_int_equal(digital_save(st, m, e0, &a, "t", &err), 0);
	assert_int_equal(cc_store_commit(st, &err), 0);
	int64_t need = 0, again = 0;
	int created = 0;
	int rc = retrofit_gap_need_post(st, e0, "t", &need, &created, &err);
	if (rc)
		print_error("%s\n", err.msg);
	assert_int_equal(rc, 0);
	assert_int_equal(created, 1);
	json_t *p = posting_get(st, need, 0, &err);
	assert_string_equal(json_string_value(json_object_get(p, "category")), "service");
	json_t *caps = json_object_get(p, "capabilities");
	assert_int_equal(json_array_size(caps), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(caps, 0), "id")),
			    "cnc");
	assert_string_equal(json_string_value(json_object_get(json_array_get(caps, 1), "id")),
			    "automation");
	assert_non_null(strstr(json_string_value(json_object_get(p, "title")), "迈向规范级"));
	json_decref(p);
	assert_int_equal(retrofit_gap_need_post(st, e0, "t", &again, &created, &err), 0);
	assert_true(again == need && created == 0);
	assert_int_equal(cc_frame_build(st, 0, &frame, &err), 0);
	struct match_result r;
	assert_int_equal(match_rank(st, frame, need, "2026-06-01", &r, &err), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(pos_of(&r, 1), 0);
	assert_true(fabs(r.items[0].comp[MATCH_C_CAPABILITY] - 0.5) <
		    1e-12); /* cnc of cnc+automation */
	match_result_free(&r);
	/* No assessment: nothing to post. */
	assert_int_equal(retrofit_gap_need_post(st, e1, "t", &need, NULL, &err), CC_EINVAL);
	assert_non_null(strstr(err.msg, "self-assessment"));
	world_end();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_need_ranked_against_providers),
		cmocka_unit_test(test_service_fields_refused),
		cmocka_unit_test(test_gap_need),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
