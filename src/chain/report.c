/*
 * The chain report workbook (`chain report`, GET /api/v1/chains/{id}/report): a summary sheet,
 * every node with its metrics and a column chart of output by node, the gaps, and the
 * investment targets of every weak or missing node — what an analyst hands a chain chief.
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

static int node_sheet(struct cc_xlsx_writer *w, const char *name, const struct cc_catalogue *cat,
		      const struct cc_chain *ch, const struct chain_node_metrics *m, int gaps_only,
		      int *rows, struct cc_error *err)
{
	static const char *const head[] = {"环节 node",
					   "名称 name",
					   "阶段 stage",
					   "等级 class",
					   "企业数 enterprises",
					   "链主 masters",
					   "骨干 core",
					   "产值(万元) output",
					   "占全链 share",
					   "同比 YoY",
					   "三年复合 CAGR3",
					   "研发强度 R&D",
					   "本地配套率 local coverage",
					   "原因 reason",
					   "reason"};
	enum cc_cell_type types[15] = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
	int rc = cc_xlsx_add_sheet(w, name, err);
	if (rc == 0)
		rc = cc_xlsx_row(w, 15, head, NULL, 1, err);
	*rows = 0;
	for (int k = 0; rc == 0 && k < ch->nnodes; k++) {
		const struct chain_node_metrics *x = &m[k];
		const struct cc_node *nd = &cat->nodes[x->node];
		if (gaps_only && x->cls != CHAIN_WEAK && x->cls != CHAIN_MISSING)
			continue;
		char v[10][40], label[160], cls[40];
		snprintf(label, sizeof label, "%*s%s", nd->depth * 2, "", nd->id);
		snprintf(cls, sizeof cls, "%s %s", chain_class_zh(x->cls),
			 chain_class_name(x->cls));
		snprintf(v[0], 40, "%d", x->enterprises);
		snprintf(v[1], 40, "%d", x->masters);
		snprintf(v[2], 40, "%d", x->core);
		fmt(v[3], 40, x->output, "%.2f");
		fmt(v[4], 40, x->output_share, "%.4f");
		fmt(v[5], 40, x->yoy, "%.4f");
		fmt(v[6], 40, x->cagr3, "%.4f");
		fmt(v[7], 40, x->rd_intensity, "%.4f");
		fmt(v[8], 40, x->local_coverage, "%.4f");
		const char *row[15] = {label, nd->name_zh,  cc_stage_name(nd->stage),
				       cls,   v[0],	    v[1],
				       v[2],  v[3],	    v[4],
				       v[5],  v[6],	    v[7],
				       v[8],  x->reason_zh, x->reason_en};
		rc = cc_xlsx_row(w, 15, row, types, 0, err);
		(*rows)++;
	}
	static const double widths[15] = {22, 16, 11, 14, 10, 8, 8, 14, 10, 10, 10, 10, 12, 60, 60};
	cc_xlsx_widths(w, 15, widths);
	return rc;
}

int chain_report_write(const struct cc_frame *f, int chain, const struct chain_scope *scope,
		       int year, const struct chain_rules *rules, int limit, const char *path,
		       struct cc_error *err)
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
	/* Summary. */
	char v[10][300];
	snprintf(v[0], 300, "%s %s", ch->name_zh, ch->name_en);
	snprintf(v[1], 300, "%s %s", scope->name_zh, scope->name_en);
	snprintf(v[2], 300, "%d", year);
	snprintf(v[3], 300, "%d", s.enterprises);
	fmt(v[4], 300, s.output, "%.2f");
	fmt(v[5], 300, s.yoy * 100, "%.1f%%");
	fmt(v[6], 300, s.completeness * 100, "%.1f%%");
	fmt(v[7], 300, s.local_coverage * 100, "%.1f%%");
	fmt(v[8], 300, s.hhi, "%.0f");
	snprintf(v[9], 300, "%d / %d / %d / %d", s.strong, s.adequate, s.weak, s.missing);
	const char *labels[10] = {"产业链 chain",
				  "范围 scope",
				  "年度 year",
				  "企业数 enterprises",
				  "工业总产值(万元) output",
				  "产值增速 output growth",
				  "完整度 completeness (leaf links present)",
				  "本地配套率 local supply coverage",
				  "集中度 HHI (0-10000)",
				  "优势/一般/薄弱/缺失 strong/adequate/weak/missing"};
	static const char *const head[] = {"项目 item", "值 value"};
	rc = cc_xlsx_add_sheet(w, "概况 Summary", err);
	if (rc == 0)
		rc = cc_xlsx_row(w, 2, head, NULL, 1, err);
	for (int i = 0; rc == 0 && i < 10; i++) {
		const char *row[2] = {labels[i], v[i]};
		rc = cc_xlsx_row(w, 2, row, NULL, 0, err);
	}
	static const double sw[2] = {44, 40};
	cc_xlsx_widths(w, 2, sw);
	int rows = 0;
	if (rc == 0)
		rc = node_sheet(w, "环节 Nodes", cat, ch, m, 0, &rows, err);
	if (rc == 0 && rows)
		rc = cc_xlsx_bar_chart(w, "环节 Nodes", 1, 7, 1, rows,
				       "各环节产值（万元） Output by node", 1, 15);
	if (rc == 0)
		rc = node_sheet(w, "短板 Gaps", cat, ch, m, 1, &rows, err);
	/* Targets. */
	static const char *const th[] = {"环节 node",
					 "名称 node name",
					 "排名 rank",
					 "信用代码 uscc",
					 "企业 name",
					 "地区 region",
					 "类型 kind",
					 "得分 score",
					 "向本地供货(万元) sales to local",
					 "本地客户 local buyers",
					 "营业收入(万元) revenue",
					 "同比 YoY",
					 "理由 reason",
					 "reason"};
	enum cc_cell_type tt[14] = {0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0};
	if (rc == 0)
		rc = cc_xlsx_add_sheet(w, "招商目标 Targets", err);
	if (rc == 0)
		rc = cc_xlsx_row(w, 14, th, NULL, 1, err);
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
			fmt(c[5], 40, t[i].yoy, "%.4f");
			cc_region_fullname(t[i].region, region, sizeof region);
			const char *row[14] = {nd->id,
					       nd->name_zh,
					       c[0],
					       t[i].uscc,
					       t[i].ent >= 0 ? f->name[t[i].ent] : "",
					       region,
					       t[i].kind == CHAIN_TARGET_SUPPLIER
						       ? "供货商 supplier"
						       : "外地同类企业 maker",
					       c[1],
					       c[2],
					       c[3],
					       c[4],
					       c[5],
					       t[i].reason_zh,
					       t[i].reason_en};
			rc = cc_xlsx_row(w, 14, row, tt, 0, err);
		}
	}
	static const double tw[14] = {18, 14, 6, 20, 30, 20, 16, 8, 14, 10, 14, 8, 60, 60};
	cc_xlsx_widths(w, 14, tw);
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
