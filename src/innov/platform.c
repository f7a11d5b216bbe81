/*
 * Platform and consortium registries and their node coverage (platform.h). The kinds follow
 * DOMAIN.md §9: 国家/市级 重点实验室, 技术创新中心, 制造业创新中心, 工程研究中心, 企业技术中心,
 * 新型研发机构; incubators (科技企业孵化器, 众创空间) and the seed's 环大学创新生态园.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/json.h"
#include "base/parse.h"
#include "domain/uscc.h"
#include "innov/platform.h"

const char *const innov_platform_kinds[] = {"key_lab",
					    "tech_innovation_center",
					    "mfg_innovation_center",
					    "eng_research_center",
					    "enterprise_tech_center",
					    "new_rd_institution",
					    "incubator",
					    "maker_space",
					    "university_park"};
const char *const innov_platform_kinds_zh[] = {
	"重点实验室",	"技术创新中心",	  "制造业创新中心", "工程研究中心",    "企业技术中心",
	"新型研发机构", "科技企业孵化器", "众创空间",	    "环大学创新生态园"};
const char *const innov_platform_levels[] = {"national", "municipal", "district"};
const char *const innov_platform_levels_zh[] = {"国家级", "市级", "区县级"};
const char *const innov_consortium_statuses[] = {"forming", "active", "completed", "dissolved"};
const char *const innov_consortium_statuses_zh[] = {"组建中", "运行中", "已完成", "已解散"};

int innov_word(const char *word, const char *const *ids, const char *const *zh, int n)
{
	if (!word)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(word, ids[i]) == 0 || (zh && strcmp(word, zh[i]) == 0))
			return i;
	return -1;
}

/* The id of the registered enterprise with credit code S, 0 when S is not one. */
static int64_t enterprise_by_code(struct cc_store *st, const char *s)
{
	char canon[19];
	struct cc_error e;
	if (!s || cc_uscc_validate(s, strlen(s), canon, NULL, &e))
		return 0;
	struct cc_stmt *q = NULL;
	int64_t id = 0;
	if (cc_stmt_prepare(st, &q, "SELECT id FROM enterprises WHERE uscc = ?1", &e))
		return 0;
	cc_stmt_bind_text(q, 1, canon, 18);
	if (cc_stmt_step(q, &e) == 1)
		id = cc_stmt_int64(q, 0);
	cc_stmt_free(q);
	return id;
}

int innov_nodes_canon(const struct cc_catalogue *cat, const char *s, struct cc_buf *out,
		      struct cc_error *err)
{
	const char *p = s ? s : "";
	while (*p) {
		const char *e = strpbrk(p, ";,");
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char ref[256];
		while (n && (*p == ' ')) {
			p++;
			n--;
		}
		while (n && p[n - 1] == ' ')
			n--;
		if (n >= sizeof ref)
			return cc_error_set(err, CC_EINVAL, "node reference too long");
		if (n) {
			memcpy(ref, p, n);
			ref[n] = '\0';
			const struct cc_node *nd = cc_node_resolve(cat, ref, NULL, err);
			if (!nd)
				return CC_EINVAL;
			cc_buf_printf(out, "%s%s.%s", out->len ? ";" : "",
				      cat->chains[nd->chain].id, nd->id);
		}
		p = e ? e + 1 : p + strlen(p);
	}
	return 0;
}

static int check_date(const char *s, const char *field, struct cc_error *err)
{
	int ymd;
	if (!s || !*s)
		return 0;
	if (cc_parse_date(s, strlen(s), &ymd, err))
		return cc_error_set(err, CC_EINVAL, "%s: not a date YYYY-MM-DD: '%s'", field, s);
	return 0;
}

static void bind_opt(struct cc_stmt *q, int i, const char *s)
{
	if (s && *s)
		cc_stmt_bind_text(q, i, s, strlen(s));
	else
		cc_stmt_bind_null(q, i);
}

int64_t innov_platform_put(struct cc_store *st, const struct cc_catalogue *cat,
			   const struct innov_platform_in *in, const char *actor,
			   struct cc_error *err)
{
	struct cc_buf nodes = CC_BUF_INIT(8192);
	struct cc_stmt *q = NULL;
	int64_t id = 0;
	int rc = 0;
	int k = innov_word(in->kind, innov_platform_kinds, innov_platform_kinds_zh,
			   INNOV_PLATFORM_NKINDS);
	int l = innov_word(in->level, innov_platform_levels, innov_platform_levels_zh,
			   INNOV_PLATFORM_NLEVELS);
	if (!in->name || !*in->name || strlen(in->name) > 200) {
		rc = cc_error_set(err, CC_EINVAL, "name: 1-200 bytes");
		goto out;
	}
	if (k < 0) {
		rc = cc_error_set(err, CC_EINVAL,
				  "kind: one of key_lab, tech_innovation_center, "
				  "mfg_innovation_center, eng_research_center, "
				  "enterprise_tech_center, new_rd_institution, incubator, "
				  "maker_space, university_park (or 重点实验室 …), not '%s'",
				  in->kind ? in->kind : "");
		goto out;
	}
	if (l < 0) {
		rc = cc_error_set(err, CC_EINVAL,
				  "level: national, municipal or district (国家级/市级/区县级), "
				  "not '%s'",
				  in->level ? in->level : "");
		goto out;
	}
	if ((rc = innov_nodes_canon(cat, in->nodes, &nodes, err)) ||
	    (rc = check_date(in->recognised, "recognised", err)) ||
	    (rc = check_date(in->reviewed, "reviewed", err)))
		goto out;
	int64_t host = enterprise_by_code(st, in->host);
	if ((rc = cc_store_begin(st, err)))
		goto out;
	rc = cc_stmt_prepare(st, &q,
			     "INSERT INTO platforms(name, kind, level, host_id, host_name, nodes, "
			     "recognised, reviewed) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
			     "ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, level = "
			     "excluded.level, host_id = excluded.host_id, host_name = "
			     "excluded.host_name, nodes = excluded.nodes, recognised = "
			     "excluded.recognised, reviewed = excluded.reviewed RETURNING id",
			     err);
	if (rc == 0) {
		cc_stmt_bind_text(q, 1, in->name, strlen(in->name));
		cc_stmt_bind_text(q, 2, innov_platform_kinds[k], strlen(innov_platform_kinds[k]));
		cc_stmt_bind_text(q, 3, innov_platform_levels[l], strlen(innov_platform_levels[l]));
		if (host)
			cc_stmt_bind_int64(q, 4, host);
		bind_opt(q, 5, host ? NULL : in->host);
		cc_stmt_bind_text(q, 6, cc_buf_str(&nodes), nodes.len);
		bind_opt(q, 7, in->recognised);
		bind_opt(q, 8, in->reviewed);
		if (cc_stmt_step(q, err) == 1)
			id = cc_stmt_int64(q, 0);
		else
			rc = CC_EDB;
	}
	cc_stmt_free(q);
	if (rc == 0 && actor) {
		char *after = NULL;
		json_t *a = json_pack("{s:s, s:s, s:s, s:s?, s:s}", "name", in->name, "kind",
				      innov_platform_kinds[k], "level", innov_platform_levels[l],
				      "host", in->host, "nodes", cc_buf_str(&nodes));
		after = json_dumps(a, JSON_COMPACT);
		json_decref(a);
		rc = cc_store_audit(st, actor, "innov.platform", in->name, NULL, after, err);
		free(after);
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
out:
	cc_buf_release(&nodes);
	return rc ? rc : id;
}

int64_t innov_consortium_put(struct cc_store *st, const struct cc_catalogue *cat,
			     const struct innov_consortium_in *in, const char *actor,
			     struct cc_error *err)
{
	struct cc_stmt *q = NULL;
	int64_t id = 0;
	int rc = 0;
	int s = in->status && *in->status
			? innov_word(in->status, innov_consortium_statuses,
				     innov_consortium_statuses_zh, INNOV_CONSORTIUM_NSTATUSES)
			: 0;
	if (!in->name || !*in->name || strlen(in->name) > 200)
		return cc_error_set(err, CC_EINVAL, "name: 1-200 bytes");
	if (s < 0)
		return cc_error_set(err, CC_EINVAL,
				    "status: forming, active, completed or dissolved, not '%s'",
				    in->status);
	if (!in->technology || !*in->technology || strlen(in->technology) > 200)
		return cc_error_set(err, CC_EINVAL, "technology: 1-200 bytes");
	if (in->members && strlen(in->members) > 4000)
		return cc_error_set(err, CC_EINVAL, "members: at most 4000 bytes");
	int64_t leader = enterprise_by_code(st, in->leader);
	if (!leader)
		return cc_error_set(err, CC_EINVAL,
				    "leader: the credit code of a registered enterprise, not '%s'",
				    in->leader ? in->leader : "");
	const struct cc_node *nd = cc_node_resolve(cat, in->node ? in->node : "", NULL, err);
	if (!nd)
		return CC_EINVAL;
	if ((rc = cc_store_begin(st, err)))
		return rc;
	rc = cc_stmt_prepare(
		st, &q,
		"INSERT INTO consortia(name, leader_id, members, chain, node, "
		"technology, milestones, status) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
		"ON CONFLICT(name) DO UPDATE SET leader_id = excluded.leader_id, members "
		"= excluded.members, chain = excluded.chain, node = excluded.node, "
		"technology = excluded.technology, milestones = excluded.milestones, "
		"status = excluded.status RETURNING id",
		err);
	if (rc == 0) {
		const char *chain = cat->chains[nd->chain].id;
		cc_stmt_bind_text(q, 1, in->name, strlen(in->name));
		cc_stmt_bind_int64(q, 2, leader);
		cc_stmt_bind_text(q, 3, in->members ? in->members : "",
				  in->members ? strlen(in->members) : 0);
		cc_stmt_bind_text(q, 4, chain, strlen(chain));
		cc_stmt_bind_text(q, 5, nd->id, strlen(nd->id));
		cc_stmt_bind_text(q, 6, in->technology, strlen(in->technology));
		bind_opt(q, 7, in->milestones);
		cc_stmt_bind_text(q, 8, innov_consortium_statuses[s],
				  strlen(innov_consortium_statuses[s]));
		if (cc_stmt_step(q, err) == 1)
			id = cc_stmt_int64(q, 0);
		else
			rc = CC_EDB;
	}
	cc_stmt_free(q);
	if (rc == 0 && actor) {
		json_t *a = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", in->name, "leader",
				      in->leader, "node", nd->id, "technology", in->technology,
				      "status", innov_consortium_statuses[s]);
		char *after = json_dumps(a, JSON_COMPACT);
		json_decref(a);
		rc = cc_store_audit(st, actor, "innov.consortium", in->name, NULL, after, err);
		free(after);
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
	return rc ? rc : id;
}

int innov_coverage(struct cc_store *st, const struct cc_catalogue *cat, struct innov_coverage *out,
		   struct cc_error *err)
{
	struct cc_stmt *q = NULL;
	memset(out, 0, (size_t)cat->nnodes * sizeof *out);
	int rc = cc_stmt_prepare(st, &q, "SELECT nodes, level FROM platforms", err);
	if (rc)
		return rc;
	while ((rc = cc_stmt_step(q, err)) == 1) {
		const char *p = cc_stmt_text(q, 0);
		int national = strcmp(cc_stmt_text(q, 1), "national") == 0;
		while (p && *p) {
			const char *e = strchr(p, ';');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			char ref[256];
			if (n < sizeof ref) {
				memcpy(ref, p, n);
				ref[n] = '\0';
				char *dot = strchr(ref, '.');
				if (dot) {
					*dot = '\0';
					int k = cc_node_index(cat, ref, dot + 1);
					if (k >= 0) {
						out[k].platforms++;
						out[k].national += national;
					}
				}
			}
			p = e ? e + 1 : NULL;
		}
	}
	cc_stmt_free(q);
	q = NULL;
	if (rc < 0)
		return rc;
	rc = cc_stmt_prepare(st, &q,
			     "SELECT chain, node FROM consortia WHERE status <> 'dissolved'", err);
	if (rc)
		return rc;
	while ((rc = cc_stmt_step(q, err)) == 1) {
		int k = cc_node_index(cat, cc_stmt_text(q, 0), cc_stmt_text(q, 1));
		if (k >= 0)
			out[k].consortia++;
	}
	cc_stmt_free(q);
	return rc < 0 ? rc : 0;
}

int innov_registries_demo(struct cc_store *st, const struct cc_catalogue *cat, struct cc_error *err)
{
	/* Each chain's first master (by credit code) hosts an enterprise technology centre for
	 * its nodes on the chain; a few municipal platforms and consortia by name. */
	struct cc_stmt *q = NULL;
	int rc = cc_stmt_prepare(
		st, &q,
		"SELECT m.chain, min(e.uscc) FROM chain_members m JOIN enterprises e "
		"ON e.id = m.enterprise_id WHERE m.role = 'master' "
		"GROUP BY m.chain ORDER BY m.chain",
		err);
	if (rc)
		return rc;
	char masters[64][19];
	char chains[64][64];
	int nm = 0;
	while (cc_stmt_step(q, err) == 1 && nm < 64) {
		/* Collected first: registering writes while this query reads. */
		snprintf(chains[nm], sizeof chains[nm], "%s", cc_stmt_text(q, 0));
		snprintf(masters[nm], sizeof masters[nm], "%s", cc_stmt_text(q, 1));
		nm++;
	}
	cc_stmt_free(q);
	for (int i = 0; i < nm && rc == 0; i++) {
		struct cc_stmt *n = NULL;
		char nodes[2048] = "", name[400] = "";
		rc = cc_stmt_prepare(
			st, &n,
			"SELECT min(name), string_agg(x, ';') FROM (SELECT e.name AS name, "
			"m.chain || '.' || m.node AS x FROM chain_members m JOIN enterprises e ON "
			"e.id = m.enterprise_id WHERE e.uscc = ?1 AND m.chain = ?2 ORDER BY m.node) t",
			err);
		if (rc)
			break;
		cc_stmt_bind_text(n, 1, masters[i], 18);
		cc_stmt_bind_text(n, 2, chains[i], strlen(chains[i]));
		if (cc_stmt_step(n, err) == 1) {
			snprintf(name, sizeof name, "%s企业技术中心", cc_stmt_text(n, 0));
			snprintf(nodes, sizeof nodes, "%s", cc_stmt_text(n, 1));
		}
		cc_stmt_free(n);
		struct innov_platform_in in = {name,
					       "enterprise_tech_center",
					       i % 3 == 0 ? "national" : "municipal",
					       masters[i],
					       nodes,
					       "2020-06-30",
					       "2023-06-30"};
		if (name[0] && innov_platform_put(st, cat, &in, NULL, err) < 0)
			rc = CC_EINVAL;
	}
	static const struct innov_platform_in named[] = {
		{"重庆市动力电池技术创新中心（演示）", "tech_innovation_center", "municipal",
		 "重庆大学", "power_battery.cells;power_battery.bms;power_battery.next_gen",
		 "2021-06-01", NULL},
		{"重庆市智能网联汽车制造业创新中心（演示）", "mfg_innovation_center", "municipal",
		 "重庆邮电大学", "icv.ad_software;icv.lidar;icv.v2x_module", "2022-03-01", NULL},
		{"环重庆大学创新生态园（演示）", "university_park", "municipal", "重庆大学",
		 "ic.mcu_soc;software.ai;sensor.mems", "2023-01-01", NULL},
		{"重庆市集成电路重点实验室（演示）", "key_lab", "municipal", "重庆邮电大学",
		 "ic.analog_design;power_semi.design", "2019-09-01", "2022-09-01"},
	};
	for (size_t i = 0; i < sizeof named / sizeof *named && rc == 0; i++)
		if (innov_platform_put(st, cat, &named[i], NULL, err) < 0)
			rc = CC_EINVAL;
	static const struct {
		const char *chain, *name, *node, *tech;
	} cons[] = {
		{"power_battery", "固态电池创新联合体（演示）", "power_battery.next_gen",
		 "固态电解质"},
		{"icv", "激光雷达创新联合体（演示）", "icv.lidar", "车规级激光雷达"},
		{"ic", "车规级芯片创新联合体（演示）", "ic.mcu_soc", "车规级MCU"},
	};
	for (size_t i = 0; i < sizeof cons / sizeof *cons && rc == 0; i++)
		for (int k = 0; k < nm; k++)
			if (strcmp(chains[k], cons[i].chain) == 0) {
				struct innov_consortium_in in = {
					cons[i].name, masters[k],   "重庆大学;重庆邮电大学",
					cons[i].node, cons[i].tech, "2025: 样机；2026: 装车验证",
					"active"};
				if (innov_consortium_put(st, cat, &in, NULL, err) < 0)
					rc = CC_EINVAL;
			}
	return rc;
}
