/*
 * The chain report workbook (`chain report`, GET /api/v1/chains/{id}/report): a summary sheet,
 * every node with its metrics and a column chart of output by node, the gaps, and the
 * investment targets of every weak or missing node — what an analyst hands a chain chief.
 * A workbook is in one language (EN: English, else Chinese): headers, classes, stages, names
 * and reasons; figures are numbers (money in 万元, ratios as numbers shown as percentages).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "chain/chain.h"
#include "domain/codes.h"
#include "io/xlsx.h"

static void fmt(char *out, size_t n, double v, const char *spec)
{
	if (isnan(v))
		out[0] = '\0';
	else
		snprintf(out, n, spec, v);
}

/* The Chinese or the English of a pair. */
#define L(zh_, en_) (en ? (en_) : (zh_))

static const char *stage_label(int stage, int en)
{
	static const char *const zh[] = {"上游", "中游", "下游"};
	if (stage < 0 || stage > 2)
		return "";
	return en ? cc_stage_name(stage) : zh[stage];
}

static int node_sheet(struct cc_xlsx_writer *w, const char *name, const struct cc_catalogue *cat,
		      const struct cc_chain *ch, const struct chain_node_metrics *m, int gaps_only,
		      int en, int *rows, struct cc_error *err)
{
	static const char *const head_zh[] = {
		"环节编号",	"环节",	    "阶段",	    "判定",	  "企业数",
		"链主",		"骨干",	    "产值（万元）", "占全链产值", "产值同比",
		"三年复合增速", "研发强度", "本地配套率",   "判定依据"};
	static const char *const head_en[] = {"Node id",
					      "Node",
					      "Stage",
					      "Class",
					      "Enterprises",
					      "Masters",
					      "Core firms",
					      "Output (10k CNY)",
					      "Share of chain output",
					      "Output YoY",
					      "CAGR (3 years)",
					      "R&D intensity",
					      "Local supply coverage",
					      "Reason"};
	enum cc_cell_type types[14] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 0};
	int rc = cc_xlsx_add_sheet(w, name, err);
	if (rc == 0)
		rc = cc_xlsx_row(w, 14, en ? head_en : head_zh, NULL, 1, err);
	*rows = 0;
	for (int k = 0; rc == 0 && k < ch->nnodes; k++) {
		const struct chain_node_metrics *x = &m[k];
		const struct cc_node *nd = &cat->nodes[x->node];
		if (gaps_only && x->cls != CHAIN_WEAK && x->cls != CHAIN_MISSING)
			continue;
		char v[10][40], label[160], named[300];
		snprintf(label, sizeof label, "%*s%s", nd->depth * 2, "", nd->id);
		snprintf(named, sizeof named, "%*s%s", nd->depth * 2, "",
			 en ? nd->name_en : nd->name_zh);
		snprintf(v[0], 40, "%d", x->enterprises);
		snprintf(v[1], 40, "%d", x->masters);
		snprintf(v[2], 40, "%d", x->core);
		fmt(v[3], 40, x->output, "%.2f");
		fmt(v[4], 40, x->output_share, "%.6f");
		fmt(v[5], 40, x->yoy, "%.6f");
		fmt(v[6], 40, x->cagr3, "%.6f");
		fmt(v[7], 40, x->rd_intensity, "%.6f");
		fmt(v[8], 40, x->local_coverage, "%.6f");
		const char *row[14] = {label,
				       named,
				       stage_label(nd->stage, en),
				       en ? chain_class_name(x->cls) : chain_class_zh(x->cls),
				       v[0],
				       v[1],
				       v[2],
				       v[3],
				       v[4],
				       v[5],
				       v[6],
				       v[7],
				       v[8],
				       en ? x->reason_en : x->reason_zh};
		rc = cc_xlsx_row(w, 14, row, types, 0, err);
		(*rows)++;
	}
	static const double widths[14] = {22, 24, 8, 10, 10, 8, 8, 16, 12, 10, 12, 10, 12, 70};
	cc_xlsx_widths(w, 14, widths);
	return rc;
}

/* The summary sheet: one item a row, its value a number where it is one. */
static int summary_sheet(struct cc_xlsx_writer *w, const struct cc_chain *ch,
			 const struct chain_scope *scope, int year, const struct chain_summary *s,
			 int en, struct cc_error *err)
{
	char v[11][300];
	snprintf(v[0], 300, "%s", en ? ch->name_en : ch->name_zh);
	snprintf(v[1], 300, "%s", en ? scope->name_en : scope->name_zh);
	snprintf(v[2], 300, "%d", year);
	snprintf(v[3], 300, "%d", s->enterprises);
	fmt(v[4], 300, s->output, "%.2f");
	fmt(v[5], 300, s->yoy, "%.6f");
	fmt(v[6], 300, s->completeness, "%.6f");
	fmt(v[7], 300, s->local_coverage, "%.6f");
	fmt(v[8], 300, s->output_hhi, "%.0f");
	snprintf(v[9], 300, "%d", s->strong);
	snprintf(v[10], 300, "%d", s->adequate);
	char weak[32], missing[32];
	snprintf(weak, sizeof weak, "%d", s->weak);
	snprintf(missing, sizeof missing, "%d", s->missing);
	static const char *const zh[13] = {"产业链",
					   "范围",
					   "年度",
					   "企业数",
					   "工业总产值（万元）",
					   "产值增速",
					   "完整度（末端环节有企业的比例）",
					   "本地配套率",
					   "产值集中度 HHI（0–10000）",
					   "优势环节数",
					   "一般环节数",
					   "薄弱环节数",
					   "缺失环节数"};
	static const char *const en_[13] = {"Chain",
					    "Scope",
					    "Year",
					    "Enterprises",
					    "Output (10k CNY)",
					    "Output growth",
					    "Completeness (leaf links present)",
					    "Local supply coverage",
					    "Output concentration HHI (0-10000)",
					    "Strong links",
					    "Adequate links",
					    "Weak links",
					    "Missing links"};
	const char *vals[13] = {v[0], v[1], v[2], v[3],	 v[4], v[5],   v[6],
				v[7], v[8], v[9], v[10], weak, missing};
	static const enum cc_cell_type types[13] = {0, 0, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1};
	const char *head[2] = {L("项目", "Item"), L("值", "Value")};
	int rc = cc_xlsx_add_sheet(w, L("概况", "Summary"), err);
	if (rc == 0)
		rc = cc_xlsx_row(w, 2, head, NULL, 1, err);
	for (int i = 0; rc == 0 && i < 13; i++) {
		const char *row[2] = {en ? en_[i] : zh[i], vals[i]};
		const enum cc_cell_type tp[2] = {CC_CELL_TEXT, types[i]};
		rc = cc_xlsx_row(w, 2, row, tp, 0, err);
	}
	static const double sw[2] = {40, 36};
	cc_xlsx_widths(w, 2, sw);
	return rc;
}

/* The targets sheet: up to LIMIT targets of every weak or missing node. */
static int targets_sheet(struct cc_xlsx_writer *w, const struct cc_frame *f,
			 const struct cc_catalogue *cat, const struct cc_chain *ch,
			 const struct chain_node_metrics *m, const struct chain_scope *scope,
			 int year, const struct chain_rules *rules, struct chain_target *t,
			 int limit, int en, struct cc_error *err)
{
	static const char *const th_zh[] = {"环节编号",
					    "环节",
					    "排名",
					    "统一社会信用代码",
					    "企业名称",
					    "地区",
					    "类型",
					    "得分",
					    "向本地供货（万元）",
					    "本地客户数",
					    "营业收入（万元）",
					    "营收同比",
					    "理由"};
	static const char *const th_en[] = {"Node id",
					    "Node",
					    "Rank",
					    "Credit code",
					    "Enterprise",
					    "Region",
					    "Kind",
					    "Score",
					    "Sales to local buyers (10k CNY)",
					    "Local buyers",
					    "Revenue (10k CNY)",
					    "Revenue YoY",
					    "Reason"};
	static const enum cc_cell_type tt[13] = {0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 2, 0};
	int rc = cc_xlsx_add_sheet(w, L("招商目标", "Targets"), err);
	if (rc == 0)
		rc = cc_xlsx_row(w, 13, en ? th_en : th_zh, NULL, 1, err);
	for (int k = 0; rc == 0 && k < ch->nnodes; k++) {
		if (m[k].cls != CHAIN_WEAK && m[k].cls != CHAIN_MISSING)
			continue;
		const struct cc_node *nd = &cat->nodes[m[k].node];
		int n = chain_targets(f, nd->index, scope, year, rules, t, limit, err);
		for (int i = 0; rc == 0 && i < n; i++) {
			char c[7][40], region[160];
			snprintf(c[0], 40, "%d", i + 1);
			snprintf(c[1], 40, "%.4f", t[i].score);
			snprintf(c[2], 40, "%.2f", t[i].value_to_local);
			snprintf(c[3], 40, "%d", t[i].local_buyers);
			fmt(c[4], 40, t[i].revenue, "%.2f");
			fmt(c[5], 40, t[i].yoy, "%.6f");
			cc_region_fullname(t[i].region, region, sizeof region);
			int sup = t[i].kind == CHAIN_TARGET_SUPPLIER;
			const char *row[13] = {
				nd->id,
				en ? nd->name_en : nd->name_zh,
				c[0],
				t[i].uscc,
				t[i].ent >= 0 ? f->name[t[i].ent] : "",
				region,
				sup ? L("向本地供货的企业", "Supplier to local firms")
				    : L("外地同类企业", "Maker elsewhere"),
				c[1],
				c[2],
				c[3],
				c[4],
				c[5],
				en ? t[i].reason_en : t[i].reason_zh};
			rc = cc_xlsx_row(w, 13, row, tt, 0, err);
		}
	}
	static const double tw[13] = {18, 18, 6, 20, 30, 20, 18, 8, 16, 10, 16, 10, 70};
	cc_xlsx_widths(w, 13, tw);
	return rc;
}

int chain_report_write(const struct cc_frame *f, int chain, const struct chain_scope *scope,
		       int year, const struct chain_rules *rules, int limit, int en,
		       const char *path, struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	if (!cat)
		return CC_EINVAL;
	const struct cc_chain *ch = &cat->chains[chain];
	struct chain_node_metrics *m = malloc(sizeof *m * (size_t)ch->nnodes);
	struct chain_target *t = malloc(sizeof *t * (size_t)(limit > 0 ? limit : 1));
	struct chain_summary s;
	struct cc_xlsx_writer *w = NULL;
	int rc = (m && t) ? 0 : cc_error_set(err, CC_ENOMEM, "out of memory");
	if (!year)
		year = cc_frame_latest_year(f);
	if (rc == 0)
		rc = chain_analyse(f, chain, scope, year, rules, m, &s, err);
	if (rc == 0)
		rc = cc_xlsx_create(&w, path, err);
	if (rc)
		goto out;
	rc = summary_sheet(w, ch, scope, year, &s, en, err);
	int rows = 0;
	const char *nodes = L("环节", "Nodes");
	if (rc == 0)
		rc = node_sheet(w, nodes, cat, ch, m, 0, en, &rows, err);
	if (rc == 0 && rows)
		rc = cc_xlsx_bar_chart(w, nodes, 1, 7, 1, rows,
				       L("各环节产值（万元）", "Output by node (10k CNY)"), 1, 15);
	if (rc == 0)
		rc = node_sheet(w, L("短板", "Gaps"), cat, ch, m, 1, en, &rows, err);
	if (rc == 0)
		rc = targets_sheet(w, f, cat, ch, m, scope, year, rules, t, limit, en, err);
	{
		int crc = cc_xlsx_writer_close(w, rc ? NULL : err);
		w = NULL;
		if (rc == 0)
			rc = crc;
	}
out:
	if (w)
		cc_xlsx_writer_close(w, NULL);
	free(m);
	free(t);
	return rc;
}
