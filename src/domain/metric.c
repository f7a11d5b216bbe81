/*
 * The metric catalogue (see metric.h). Column ids, Chinese names and units are the contract of
 * FORMATS.md; derived metrics are defined here and computed by frame/.
 */
#include <string.h>
#include "domain/metric.h"

static const struct cc_metric catalogue[CC_M_COUNT] = {
	{CC_M_REVENUE, "revenue", "营业收入", "Revenue", "10k CNY", "万元", 0, 0, NULL},
	{CC_M_MAIN_REVENUE, "main_revenue", "主营业务收入", "Main business revenue", "10k CNY",
	 "万元", 0, 0, NULL},
	{CC_M_OUTPUT_VALUE, "output_value", "工业总产值", "Gross industrial output value",
	 "10k CNY", "万元", 0, 0, NULL},
	{CC_M_NET_PROFIT, "net_profit", "净利润", "Net profit", "10k CNY", "万元", 0, 0, NULL},
	{CC_M_TOTAL_ASSETS, "total_assets", "资产总额", "Total assets", "10k CNY", "万元", 0, 0,
	 NULL},
	{CC_M_TOTAL_LIABILITIES, "total_liabilities", "负债总额", "Total liabilities", "10k CNY",
	 "万元", 0, 0, NULL},
	{CC_M_OP_CASH_FLOW, "op_cash_flow", "经营活动现金流量净额", "Operating cash flow",
	 "10k CNY", "万元", 0, 0, NULL},
	{CC_M_EMPLOYEES, "employees", "从业人员", "Employees", "persons", "人", 0, 1, NULL},
	{CC_M_RD_STAFF, "rd_staff", "研发人员", "R&D staff", "persons", "人", 0, 1, NULL},
	{CC_M_RD_EXPENSE, "rd_expense", "研发费用", "R&D expense", "10k CNY", "万元", 0, 0, NULL},
	{CC_M_INVENTION_PATENTS, "invention_patents", "有效发明专利", "Valid invention patents",
	 "count", "件", 0, 1, NULL},
	{CC_M_HIGHTECH_REVENUE, "hightech_revenue", "高新技术产品收入", "High-tech product revenue",
	 "10k CNY", "万元", 0, 0, NULL},
	{CC_M_EXPORTS, "exports", "出口交货值", "Export delivery value", "10k CNY", "万元", 0, 0,
	 NULL},
	{CC_M_ENERGY_TCE, "energy_tce", "综合能源消费量", "Energy consumption", "tce", "吨标准煤",
	 0, 0, NULL},
	{CC_M_TAX, "tax", "纳税总额", "Taxes paid", "10k CNY", "万元", 0, 0, NULL},
	{CC_M_LOCAL_PURCHASE, "local_purchase", "本地配套采购额", "Local purchases", "10k CNY",
	 "万元", 0, 0, NULL},
	{CC_M_FINANCING, "financing", "当年融资额", "Financing raised", "10k CNY", "万元", 0, 0,
	 NULL},
	{CC_M_REVENUE_YOY, "revenue_yoy", "营业收入同比增长", "Revenue growth (YoY)", "ratio",
	 "比率", 1, 0, "revenue / revenue of the same period a year earlier - 1"},
	{CC_M_REVENUE_CAGR3, "revenue_cagr3", "营业收入三年复合增长率", "Revenue 3-year CAGR",
	 "ratio", "比率", 1, 0,
	 "(revenue / revenue three years earlier)^(1/3) - 1, annual periods only"},
	{CC_M_OUTPUT_YOY, "output_yoy", "工业总产值同比增长", "Output value growth (YoY)", "ratio",
	 "比率", 1, 0, "output_value / output_value a year earlier - 1"},
	{CC_M_RD_INTENSITY, "rd_intensity", "研发投入强度", "R&D intensity", "ratio", "比率", 1, 0,
	 "rd_expense / revenue"},
	{CC_M_RD_STAFF_SHARE, "rd_staff_share", "研发人员占比", "R&D staff share", "ratio", "比率",
	 1, 0, "rd_staff / employees"},
	{CC_M_HIGHTECH_SHARE, "hightech_share", "高新技术产品收入占比", "High-tech revenue share",
	 "ratio", "比率", 1, 0, "hightech_revenue / revenue"},
	{CC_M_NET_MARGIN, "net_margin", "净利润率", "Net margin", "ratio", "比率", 1, 0,
	 "net_profit / revenue"},
	{CC_M_DEBT_RATIO, "debt_ratio", "资产负债率", "Debt ratio", "ratio", "比率", 1, 0,
	 "total_liabilities / total_assets"},
	{CC_M_ENERGY_INTENSITY, "energy_intensity", "单位产值能耗", "Energy intensity",
	 "tce/10k CNY", "吨标准煤/万元", 1, 0, "energy_tce / output_value"},
	{CC_M_LABOUR_PRODUCTIVITY, "labour_productivity", "全员劳动生产率", "Labour productivity",
	 "10k CNY/person", "万元/人", 1, 0, "output_value / employees"},
	{CC_M_MAIN_SHARE, "main_share", "主营业务收入占比", "Main business share", "ratio", "比率",
	 1, 0, "main_revenue / revenue"},
};

const struct cc_metric *cc_metric_get(int id)
{
	return (id >= 0 && id < CC_M_COUNT) ? &catalogue[id] : NULL;
}

const struct cc_metric *cc_metric_find(const char *name)
{
	for (int i = 0; i < CC_M_COUNT; i++)
		if (strcmp(catalogue[i].key, name) == 0 || strcmp(catalogue[i].name_zh, name) == 0)
			return &catalogue[i];
	return NULL;
}
