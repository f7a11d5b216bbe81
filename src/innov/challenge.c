/*
 * Technology challenges and their applicants' ranking (challenge.h). The weights and factors
 * are data (data/innovation/challenge_weights.json), read at each ranking (a small file).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/builtin.h"
#include "base/json.h"
#include "base/parse.h"
#include "domain/uscc.h"
#include "base/buf.h"
#include "innov/challenge.h"
#include "match/match.h"

const char *const innov_component_ids[INNOV_COMPONENTS] = {"inventions", "patents", "platform",
							   "membership", "local",   "text"};
const char *const innov_component_zh[INNOV_COMPONENTS] = {"发明专利", "有效专利", "创新平台",
							  "环节成员", "本地注册", "技术文本"};

int64_t innov_challenge_post(struct cc_store *st, const struct cc_catalogue *cat,
			     const struct innov_challenge_in *in, const char *actor,
			     struct cc_error *err)
{
	int ymd;
	if (!in->title || !*in->title || strlen(in->title) > 200)
		return cc_error_set(err, CC_EINVAL, "title: 1-200 bytes");
	if (!in->technology || !*in->technology || strlen(in->technology) > 200)
		return cc_error_set(err, CC_EINVAL, "technology: 1-200 bytes");
	if (!isnan(in->budget) && (in->budget < 0 || in->budget > 1e9))
		return cc_error_set(err, CC_EINVAL, "budget: 0 to 10^9 万元");
	if (in->deadline && *in->deadline &&
	    cc_parse_date(in->deadline, strlen(in->deadline), &ymd, err))
		return cc_error_set(err, CC_EINVAL, "deadline: a date YYYY-MM-DD, not '%s'",
				    in->deadline);
	const struct cc_node *nd = cc_node_resolve(cat, in->node ? in->node : "", NULL, err);
	if (!nd)
		return CC_EINVAL;
	const char *chain = cat->chains[nd->chain].id;
	struct cc_stmt *q = NULL;
	int64_t id = 0;
	int rc = cc_store_begin(st, err);
	if (rc)
		return rc;
	rc = cc_stmt_prepare(
		st, &q,
		"INSERT INTO challenges(title, chain, node, technology, budget, deadline, "
		"poster) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
		err);
	if (rc == 0) {
		cc_stmt_bind_text(q, 1, in->title, strlen(in->title));
		cc_stmt_bind_text(q, 2, chain, strlen(chain));
		cc_stmt_bind_text(q, 3, nd->id, strlen(nd->id));
		cc_stmt_bind_text(q, 4, in->technology, strlen(in->technology));
		if (!isnan(in->budget))
			cc_stmt_bind_double(q, 5, in->budget);
		if (in->deadline && *in->deadline)
			cc_stmt_bind_text(q, 6, in->deadline, strlen(in->deadline));
		if (in->poster && *in->poster)
			cc_stmt_bind_text(q, 7, in->poster, strlen(in->poster));
		if (cc_stmt_step(q, err) == 1)
			id = cc_stmt_int64(q, 0);
		else
			rc = CC_EDB;
	}
	cc_stmt_free(q);
	if (rc == 0) {
		char target[64];
		snprintf(target, sizeof target, "challenge %lld", (long long)id);
		json_t *a = json_pack("{s:s, s:s, s:s}", "title", in->title, "node", nd->id,
				      "technology", in->technology);
		char *after = json_dumps(a, JSON_COMPACT);
		json_decref(a);
		rc = cc_store_audit(st, actor, "innov.challenge", target, NULL, after, err);
		free(after);
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
	return rc ? rc : id;
}

int innov_challenge_award(struct cc_store *st, int64_t id, const char *uscc, const char *milestones,
			  const char *actor, struct cc_error *err)
{
	char canon[19];
	struct cc_stmt *q = NULL;
	if (!uscc || cc_uscc_validate(uscc, strlen(uscc), canon, NULL, err))
		return CC_EINVAL;
	int rc = cc_store_begin(st, err);
	if (rc)
		return rc;
	rc = cc_stmt_prepare(
		st, &q,
		"UPDATE challenges SET status = 'awarded', winner_id = (SELECT id FROM "
		"enterprises WHERE uscc = ?2), milestones = ?3 WHERE id = ?1 AND status "
		"= 'open' AND EXISTS (SELECT 1 FROM enterprises WHERE uscc = ?2)",
		err);
	if (rc == 0) {
		cc_stmt_bind_int64(q, 1, id);
		cc_stmt_bind_text(q, 2, canon, 18);
		if (milestones && *milestones)
			cc_stmt_bind_text(q, 3, milestones, strlen(milestones));
		rc = cc_stmt_step(q, err) < 0 ? CC_EDB : 0;
		if (rc == 0 && cc_store_changes(st) == 0)
			rc = cc_error_set(err, CC_ENOTFOUND,
					  "no open challenge %lld, or '%s' is not registered",
					  (long long)id, canon);
	}
	cc_stmt_free(q);
	if (rc == 0) {
		char target[64];
		snprintf(target, sizeof target, "challenge %lld", (long long)id);
		json_t *a = json_pack("{s:s, s:s?}", "winner", canon, "milestones",
				      milestones && *milestones ? milestones : NULL);
		char *after = json_dumps(a, JSON_COMPACT);
		json_decref(a);
		rc = cc_store_audit(st, actor, "innov.award", target, NULL, after, err);
		free(after);
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
	return rc;
}

/* The weights file's number at KEY.SUB (or KEY when SUB is NULL), DEF when absent. */
static double wnum(json_t *w, const char *key, const char *sub, double def)
{
	json_t *x = json_object_get(w, key);
	if (sub)
		x = json_object_get(x, sub);
	return json_is_number(x) ? json_number_value(x) : def;
}

static int cmp_id(const void *a, const void *b)
{
	const struct innov_applicant *x = a, *y = b;
	return (x->enterprise_id > y->enterprise_id) - (x->enterprise_id < y->enterprise_id);
}

static int cmp_score(const void *a, const void *b)
{
	const struct innov_applicant *x = a, *y = b;
	return match_demand_cmp(x->score, x->enterprise_id, y->score, y->enterprise_id);
}

struct pool {
	struct innov_applicant *a;
	int n, cap, sorted;
};

/* The applicant ENTERPRISE_ID of POOL, added when ADD and absent. Look-ups need a sorted pool
 * (pool_sort); an addition leaves it unsorted until the next pool_sort. */
static struct innov_applicant *pool_get(struct pool *p, int64_t id, int add)
{
	if (p->sorted) {
		struct innov_applicant key = {.enterprise_id = id};
		struct innov_applicant *f = bsearch(&key, p->a, (size_t)p->n, sizeof *p->a, cmp_id);
		if (f || !add)
			return f;
	}
	if (!add)
		return NULL;
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 256;
		struct innov_applicant *na = realloc(p->a, (size_t)cap * sizeof *na);
		if (!na)
			return NULL;
		p->a = na;
		p->cap = cap;
	}
	memset(&p->a[p->n], 0, sizeof p->a[p->n]);
	p->a[p->n].enterprise_id = id;
	p->sorted = 0;
	return &p->a[p->n++];
}

/* Sorts POOL by enterprise id (ids are unique in it). */
static void pool_sort(struct pool *p)
{
	qsort(p->a, (size_t)p->n, sizeof *p->a, cmp_id);
	int w = 0;
	for (int i = 0; i < p->n; i++)
		if (w == 0 || p->a[w - 1].enterprise_id != p->a[i].enterprise_id)
			p->a[w++] = p->a[i];
	p->n = w;
	p->sorted = 1;
}

/* Whether the ';'-joined list S holds REF exactly. */
static int list_has(const char *s, const char *ref)
{
	size_t n = strlen(ref);
	for (const char *p = s; p && *p;) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && memcmp(p, ref, n) == 0)
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

/* The best share of TECH's trigrams held by TITLE, kept in A. */
static void text_take(struct innov_applicant *a, const char *tech, const char *title)
{
	char m[128];
	double v = match_text_share(tech, title, m, sizeof m);
	if (v > a->value[5]) {
		a->value[5] = v;
		snprintf(a->matched, sizeof a->matched, "%s", m);
	}
}

/* Holder H of P whose enterprises.id is ID (holders are in id order), or -1. */
static int64_t holder_of(const struct innov_patents *p, int64_t id)
{
	int64_t lo = 0, hi = p->nholders;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (p->holder_id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->nholders && p->holder_id[lo] == id ? lo : -1;
}

/*
 * Sets value[5] and matched of every applicant of the sorted POOL: the best share of TECH's
 * trigrams held by one of its patents' titles. With the patents snapshot P, each applicant's
 * patents are found there and their titles read by key (patents has no index on holder_id:
 * the import goes faster without one); without it, one scan of the titles. Returns 0 or a
 * negative CC_E*.
 */
static int text_component(struct cc_store *st, const struct innov_patents *p, struct pool *pool,
			  const char *tech, struct cc_error *err)
{
	struct cc_buf ids = CC_BUF_INIT((size_t)1 << 26);
	struct cc_stmt *q = NULL;
	int rc = 0;
	if (!tech[0] || !pool->n)
		return 0;
	if (p && p->key) {
		rc = cc_stmt_prepare(st, &q, "SELECT title FROM patents WHERE id = ?1", err);
		for (int i = 0; i < pool->n && rc == 0; i++) {
			struct innov_applicant *a = &pool->a[i];
			int64_t h = holder_of(p, a->enterprise_id);
			for (int64_t k = h < 0 ? 0 : p->holder_first[h];
			     h >= 0 && k < p->holder_first[h + 1] && rc == 0; k++) {
				cc_stmt_reset(q);
				cc_stmt_bind_int64(q, 1, p->key[k]);
				rc = cc_stmt_step(q, err);
				if (rc == 1) {
					const char *title = cc_stmt_text(q, 0);
					if (title && title[0])
						text_take(a, tech, title);
					rc = 0;
				} else if (rc == 0) {
					rc = 0; /* deleted since the snapshot */
				}
			}
		}
		rc = rc < 0 ? CC_EDB : 0;
		goto out;
	}
	/* The pool's ids written into the statement (integers: nothing to quote), in patent id
	 * order as the table's scan gives them. */
	cc_buf_puts(&ids, "SELECT holder_id, title FROM patents WHERE title IS NOT NULL AND "
			  "title <> '' AND holder_id IN (");
	for (int i = 0; i < pool->n; i++)
		cc_buf_printf(&ids, "%s%lld", i ? "," : "", (long long)pool->a[i].enterprise_id);
	cc_buf_puts(&ids, ") ORDER BY id");
	if (ids.failed) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	rc = cc_stmt_prepare(st, &q, ids.data, err);
	if (rc)
		goto out;
	while ((rc = cc_stmt_step(q, err)) == 1) {
		struct innov_applicant *a = pool_get(pool, cc_stmt_int64(q, 0), 0);
		if (a)
			text_take(a, tech, cc_stmt_text(q, 1));
	}
	rc = rc < 0 ? CC_EDB : 0;
out:
	cc_stmt_free(q);
	cc_buf_release(&ids);
	return rc;
}

void innov_applicant_reason(const struct innov_applicant *a, int k, char *zh, char *en, size_t n)
{
	static const char *const lv_zh[] = {"national", "国家级",   "municipal",
					    "市级",	"district", "区县级"};
	static const char *const role_zh[] = {"master", "链主", "core",	 "核心企业",
					      "member", "成员", "chain", "链上其他环节"};
	const char *lz = a->platform_level, *rz = a->role;
	for (int i = 0; i < 6; i += 2)
		if (!strcmp(lz, lv_zh[i]))
			lz = lv_zh[i + 1];
	for (int i = 0; i < 8; i += 2)
		if (!strcmp(rz, role_zh[i]))
			rz = role_zh[i + 1];
	switch (k) {
	case 0:
		snprintf(zh, n, "该环节有效发明专利 %lld 件", (long long)a->inventions);
		snprintf(en, n, "%lld inventions in force under the node",
			 (long long)a->inventions);
		break;
	case 1:
		snprintf(zh, n, "该环节有效专利 %lld 件", (long long)a->patents);
		snprintf(en, n, "%lld patents in force under the node", (long long)a->patents);
		break;
	case 2:
		if (a->platform_level[0]) {
			snprintf(zh, n, "建有服务该环节的%s创新平台", lz);
			snprintf(en, n, "hosts a %s platform serving the node", a->platform_level);
		} else {
			snprintf(zh, n, "未建服务该环节的创新平台");
			snprintf(en, n, "hosts no platform serving the node");
		}
		break;
	case 3:
		if (a->role[0]) {
			snprintf(zh, n, "环节成员：%s", rz);
			snprintf(en, n, "member: %s", a->role);
		} else {
			snprintf(zh, n, "非该产业链成员");
			snprintf(en, n, "not a member of the chain");
		}
		break;
	case 4:
		snprintf(zh, n, "%s", a->local ? "在本地注册" : "外地企业");
		snprintf(en, n, "%s",
			 a->local ? "registered in the scope" : "registered elsewhere");
		break;
	default:
		if (a->matched[0]) {
			snprintf(zh, n, "专利名称含：%s", a->matched);
			snprintf(en, n, "patent titles contain \u201c%s\u201d", a->matched);
		} else {
			snprintf(zh, n, "专利名称与攻关技术无共同文字");
			snprintf(en, n, "no patent title shares the technology's text");
		}
		break;
	}
}

int innov_challenge_rank(struct cc_store *st, const struct cc_catalogue *cat,
			 const struct innov_patents *p, const struct chain_scope *scope, int year,
			 int64_t id, int max, struct innov_applicant **out, int *n,
			 struct cc_error *err)
{
	struct cc_stmt *q = NULL;
	struct pool pool = {0};
	json_t *w = NULL;
	char chain[64] = "", node[128] = "", ref[200], tech[512] = "";
	char *text = NULL;
	size_t len = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if ((rc = cc_data_read("innovation/challenge_weights.json", &text, &len)))
		return cc_error_set(err, rc, "cannot read innovation/challenge_weights.json");
	w = json_loadb(text, len, 0, NULL);
	free(text);
	if (!w)
		return cc_error_set(err, CC_EPARSE, "innovation/challenge_weights.json: bad JSON");
	rc = cc_stmt_prepare(st, &q, "SELECT chain, node, technology FROM challenges WHERE id = ?1",
			     err);
	if (rc)
		goto out;
	cc_stmt_bind_int64(q, 1, id);
	if (cc_stmt_step(q, err) == 1) {
		snprintf(chain, sizeof chain, "%s", cc_stmt_text(q, 0));
		snprintf(node, sizeof node, "%s", cc_stmt_text(q, 1));
		snprintf(tech, sizeof tech, "%s", cc_stmt_text(q, 2));
	}
	cc_stmt_free(q);
	q = NULL;
	int k = chain[0] ? cc_node_index(cat, chain, node) : -1;
	if (k < 0) {
		rc = cc_error_set(err, CC_ENOTFOUND, "no challenge %lld", (long long)id);
		goto out;
	}
	snprintf(ref, sizeof ref, "%s.%s", chain, node);
	/* Patent holders under the node, in force at the end of YEAR. */
	int32_t end = year * 10000 + 1231;
	for (int h = 0; h < p->nholders; h++) {
		int64_t inv = 0, all = 0;
		for (int64_t i = p->holder_first[h]; i < p->holder_first[h + 1]; i++) {
			int32_t g = p->granted[i], l = p->lapsed[i];
			if (!(g && g <= end && l >= 0 && (l == 0 || l > end)))
				continue;
			for (int64_t j = p->off[i]; j < p->off[i + 1]; j++)
				if (p->nodes[j] == k) {
					all++;
					inv += p->invention[i];
					break;
				}
		}
		if (all) {
			struct innov_applicant *a = pool_get(&pool, p->holder_id[h], 1);
			if (!a)
				goto nomem;
			a->patents = all;
			a->inventions = inv;
		}
	}
	/* Platform hosts serving the node: the best level. */
	rc = cc_stmt_prepare(
		st, &q, "SELECT host_id, level, nodes FROM platforms WHERE host_id IS NOT NULL",
		err);
	if (rc)
		goto out;
	pool_sort(&pool);
	while (cc_stmt_step(q, err) == 1) {
		if (!list_has(cc_stmt_text(q, 2), ref))
			continue;
		struct innov_applicant *a = pool_get(&pool, cc_stmt_int64(q, 0), 1);
		if (!a)
			goto nomem;
		const char *lv = cc_stmt_text(q, 1);
		if (wnum(w, "platform_level", lv, 0) >
		    wnum(w, "platform_level", a->platform_level, 0))
			snprintf(a->platform_level, sizeof a->platform_level, "%s", lv);
		pool_sort(&pool);
	}
	cc_stmt_free(q);
	q = NULL;
	/* Members of the node (candidates) and of the chain elsewhere (only a factor). */
	rc = cc_stmt_prepare(st, &q,
			     "SELECT enterprise_id, role, node FROM chain_members WHERE chain = ?1 "
			     "ORDER BY CASE WHEN node = ?2 THEN 1 ELSE 0 END",
			     err);
	if (rc)
		goto out;
	cc_stmt_bind_text(q, 1, chain, strlen(chain));
	cc_stmt_bind_text(q, 2, node, strlen(node));
	while (cc_stmt_step(q, err) == 1) {
		int here = strcmp(cc_stmt_text(q, 2), node) == 0;
		struct innov_applicant *a = pool_get(&pool, cc_stmt_int64(q, 0), here);
		if (!a)
			continue;
		const char *role = here ? cc_stmt_text(q, 1) : "chain";
		if (wnum(w, "membership_role", role, 0) > wnum(w, "membership_role", a->role, 0))
			snprintf(a->role, sizeof a->role, "%s", role);
		if (here)
			pool_sort(&pool);
	}
	cc_stmt_free(q);
	q = NULL;
	/* The technology against the candidates' patent titles (the engine's text share; the
	 * best title counts). */
	pool_sort(&pool);
	rc = text_component(st, p, &pool, tech, err);
	if (rc)
		goto out;
	/* Scores. */
	int64_t max_inv = 0, max_all = 0;
	for (int i = 0; i < pool.n; i++) {
		if (pool.a[i].inventions > max_inv)
			max_inv = pool.a[i].inventions;
		if (pool.a[i].patents > max_all)
			max_all = pool.a[i].patents;
	}
	rc = cc_stmt_prepare(st, &q, "SELECT region FROM enterprises WHERE id = ?1", err);
	if (rc)
		goto out;
	for (int i = 0; i < pool.n; i++) {
		struct innov_applicant *a = &pool.a[i];
		cc_stmt_reset(q);
		cc_stmt_bind_int64(q, 1, a->enterprise_id);
		a->local = cc_stmt_step(q, err) == 1 &&
			   chain_scope_has(scope, (int)cc_stmt_int64(q, 0));
		a->value[0] = max_inv ? log1p((double)a->inventions) / log1p((double)max_inv) : 0;
		a->value[1] = max_all ? log1p((double)a->patents) / log1p((double)max_all) : 0;
		a->value[2] = wnum(w, "platform_level", a->platform_level, 0);
		a->value[3] = wnum(w, "membership_role", a->role, 0);
		a->value[4] = a->local ? 1 : wnum(w, "local_outside", NULL, 0.5);
		for (int c = 0; c < INNOV_COMPONENTS; c++)
			a->weight[c] = wnum(w, "weights", innov_component_ids[c], 0);
		a->score = match_demand_score(a->weight, a->value, INNOV_COMPONENTS);
	}
	qsort(pool.a, (size_t)pool.n, sizeof *pool.a, cmp_score);
	*n = pool.n < max ? pool.n : max;
	*out = pool.a;
	pool.a = NULL;
	rc = 0;
	goto out;
nomem:
	rc = cc_error_set(err, CC_ENOMEM, "out of memory");
out:
	cc_stmt_free(q);
	free(pool.a);
	json_decref(w);
	return rc;
}
