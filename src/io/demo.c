/*
 * The demo dataset generator (see demo.h).
 *
 * What makes it realistic enough to exercise every capability:
 * - real district codes, weighted towards the industrial districts of Chongqing and Chengdu,
 *   plus enterprises of other provinces (招商 targets) and suppliers outside the registry;
 * - valid credit codes (GB 32100 check character and GB 11714 organisation-code check);
 * - industries taken from the chain node each enterprise makes;
 * - heavy-tailed sizes (log-normal revenue), a per-enterprise growth trend shared by its years
 *   (correlated growth), R&D, patents and certificates that go together;
 * - chain masters (the largest downstream makers), core members, and supply edges that point
 *   from upstream to downstream nodes with preferential attachment to big suppliers (hubs);
 * - a few unknown (empty) cells, as real statistics have.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/buf.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "domain/patent.h"
#include "domain/uscc.h"
#include "innov/innov.h"
#include "io/demo.h"
#include "io/export.h"
#include "green/green.h"

struct rng {
	uint64_t s;
};

static uint64_t next_u64(struct rng *r)
{
	/* splitmix64 */
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static double uniform(struct rng *r)
{
	return (double)(next_u64(r) >> 11) / 9007199254740992.0;
}

static double uni(struct rng *r, double a, double b)
{
	return a + (b - a) * uniform(r);
}

static double normal(struct rng *r)
{
	double u1 = uniform(r), u2 = uniform(r);
	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

static int pick(struct rng *r, int n)
{
	return (int)(next_u64(r) % (uint64_t)n);
}

/* Weighted districts: Chongqing's industrial districts first, then Chengdu and Sichuan. */
struct place {
	int code;
	int weight;
	const char *prefix; /* name prefix */
};

static const struct place places[] = {
	{500112, 14, "重庆"}, {500107, 9, "重庆"}, {500106, 7, "重庆"}, {500116, 6, "重庆"},
	{500120, 6, "重庆"},  {500102, 5, "重庆"}, {500115, 5, "重庆"}, {500113, 5, "重庆"},
	{500109, 5, "重庆"},  {500118, 5, "重庆"}, {500117, 4, "重庆"}, {500104, 3, "重庆"},
	{500105, 4, "重庆"},  {500108, 3, "重庆"}, {500110, 2, "重庆"}, {500111, 3, "重庆"},
	{500151, 3, "重庆"},  {500152, 2, "重庆"}, {500153, 3, "重庆"}, {500101, 3, "重庆"},
	{500119, 1, "重庆"},  {500154, 1, "重庆"}, {500155, 1, "重庆"}, {500103, 2, "重庆"},
	{510116, 6, "成都"},  {510112, 6, "成都"}, {510114, 4, "成都"}, {510117, 4, "成都"},
	{510107, 4, "成都"},  {510104, 2, "成都"}, {510105, 2, "成都"}, {510106, 2, "成都"},
	{510108, 2, "成都"},  {510113, 2, "成都"}, {510115, 2, "成都"}, {510118, 2, "成都"},
	{510185, 1, "成都"},  {510181, 1, "成都"}, {510703, 3, "绵阳"}, {510603, 3, "德阳"},
	{511502, 2, "宜宾"},  {510903, 1, "遂宁"}, {511102, 1, "乐山"}, {510504, 1, "泸州"},
};

/* Other provinces: registry enterprises elsewhere (招商 targets) and outside suppliers. */
static const struct place elsewhere[] = {
	{440305, 4, "深圳"}, {440106, 2, "广州"}, {320506, 3, "苏州"}, {320115, 2, "南京"},
	{310115, 4, "上海"}, {330106, 2, "杭州"}, {330212, 1, "宁波"}, {610113, 2, "西安"},
	{420111, 2, "武汉"}, {110108, 3, "北京"}, {370212, 1, "青岛"}, {340104, 2, "合肥"},
};

static const char *const brands[] = {
	"长安", "博远", "华川", "嘉陵", "渝新", "天府", "巴蜀", "锦程", "鑫科", "恒力",
	"瑞丰", "中驰", "宏达", "金桥", "联创", "盛世", "启航", "凯瑞", "康宁", "万佳",
	"智联", "星源", "晨光", "正泰", "海川", "蓝海", "同舟", "远景", "明德", "广宇",
	"三峡", "江城", "山城", "蜀道", "汇通", "信达", "德润", "昊天", "耀华", "腾越",
	"东方", "西部", "北辰", "南山", "新锐", "卓越", "九鼎", "泰山", "鸿运", "云帆",
	"青松", "玉龙", "峰华", "安捷", "景程", "润华", "旭日", "华夏", "中天", "百川",
	"万达", "立信", "精诚", "弘毅", "致远", "思源", "睿达", "融通", "众合", "拓邦",
	"英特", "赛博", "维科", "光启", "芯海", "宇航", "航科", "佳禾", "丰源", "永盛"};

static const char *const suffixes[] = {"有限公司", "有限公司", "有限公司", "股份有限公司",
				       "有限责任公司"};

/* A chain's weight in the registry: the big Chongqing chains have more enterprises. */
static int chain_weight(const char *id)
{
	static const struct {
		const char *id;
		int w;
	} w[] = {{"nev", 12},
		 {"fuel_vehicle", 10},
		 {"icv", 6},
		 {"smart_terminal", 9},
		 {"ic", 6},
		 {"display", 5},
		 {"power_battery", 5},
		 {"motorcycle", 5},
		 {"general_machinery", 4},
		 {"auto_electronics", 4},
		 {"biopharma", 4},
		 {"software", 5},
		 {"food", 4},
		 {"textile", 3},
		 {"light_alloy", 3}};
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
		if (strcmp(w[i].id, id) == 0)
			return w[i].w;
	return 2;
}

/* Per-enterprise facts kept in memory while writing (small: ~100 bytes each). */
struct ent {
	char uscc[19];
	int region;
	int node;    /* global node index */
	int node2;   /* a second node or -1 */
	double size; /* latest annual revenue, 万元 */
	double growth;
	double rd; /* R&D intensity */
	int role;  /* 0 master, 1 core, 2 member */
	int local; /* in Chongqing or Sichuan */
};

/* Makes a valid credit code for enterprise number SERIAL registered in REGION. */
static void make_uscc(char out[19], int region, uint64_t serial, uint64_t seed)
{
	static const char digits[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	char s[18];
	s[0] = '9';
	s[1] = '1';
	snprintf(s + 2, 7, "%06d", region);
	/* Organisation code: 8 characters from the serial mixed with the seed (unique per serial).
	 */
	uint64_t v = serial * 2654435761ull + (seed % 1000003);
	v = v % 852891037441ull; /* 31^8 */
	for (int i = 7; i >= 0; i--) {
		s[8 + i] = digits[v % 31];
		v /= 31;
	}
	/* GB 11714 organisation check uses A=10..Z=35; every USCC letter maps fine. */
	char oc = cc_orgcode_check_char(s + 8);
	s[16] = oc ? oc : '0';
	if (!cc_uscc_char_ok(s[16]))
		s[16] = '0';
	memcpy(out, s, 17);
	out[17] = cc_uscc_check_char(s);
	out[18] = '\0';
}

static int weighted_place(struct rng *r, const struct place *p, int n)
{
	int total = 0;
	for (int i = 0; i < n; i++)
		total += p[i].weight;
	int x = pick(r, total);
	for (int i = 0; i < n; i++) {
		if (x < p[i].weight)
			return i;
		x -= p[i].weight;
	}
	return n - 1;
}

static void fmt_num(char *out, size_t n, double v, int decimals)
{
	if (decimals == 0)
		snprintf(out, n, "%.0f", v);
	else
		snprintf(out, n, "%.*f", decimals, v);
}

struct writer {
	FILE *f;
	struct cc_buf b;
};

static int w_open(struct writer *w, const char *dir, const char *name, const char *header,
		  struct cc_error *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	w->f = fopen(path, "wb");
	cc_buf_init(&w->b, 1 << 20);
	if (!w->f)
		return cc_error_set(err, CC_EIO, "cannot write '%s'", path);
	fputs(header, w->f);
	fputs("\n", w->f);
	return 0;
}

static void w_field(struct writer *w, const char *s, int last)
{
	if (s)
		cc_buf_csv_field(&w->b, s, strlen(s));
	cc_buf_putc(&w->b, last ? '\n' : ',');
	if (last && w->b.len > (1 << 19)) {
		fwrite(w->b.data, 1, w->b.len, w->f);
		cc_buf_reset(&w->b);
	}
}

static int w_close(struct writer *w, struct cc_error *err)
{
	int rc = 0;
	if (w->f) {
		fwrite(w->b.data ? w->b.data : "", 1, w->b.len, w->f);
		if (ferror(w->f) || fclose(w->f) != 0)
			rc = cc_error_set(err, CC_EIO, "write failed (disk full?)");
	}
	w->f = NULL;
	cc_buf_release(&w->b);
	return rc;
}

void cc_demo_defaults(struct cc_demo_opts *o)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	o->enterprises = 20000;
	o->seed = 1;
	o->annual_years = 5;
	o->months = 24;
	o->this_year = tm.tm_year + 1900;
	o->this_month = tm.tm_mon + 1;
}

/* Chooses a leaf-ish node of a chain, weighting deeper nodes (real products) higher. */
static int pick_node(struct rng *r, const struct cc_catalogue *cat, const struct cc_chain *ch)
{
	for (int tries = 0; tries < 4; tries++) {
		int n = ch->first_node + pick(r, ch->nnodes);
		int has_child = 0;
		for (int k = n + 1; k < ch->first_node + ch->nnodes; k++)
			if (cat->nodes[k].parent == n)
				has_child = 1;
		if (!has_child)
			return n;
	}
	return ch->first_node + pick(r, ch->nnodes);
}

static const char *node_word(const struct cc_node *n)
{
	return n->name_zh[0] ? n->name_zh : "科技";
}

/*
 * One generation in progress: the options, the random stream every step draws from in turn
 * (so the order of the steps below is part of the output), the enterprises made so far and
 * their index by node.
 */
struct demo {
	const char *dir;
	const struct cc_demo_opts *o;
	const struct cc_catalogue *cat;
	struct cc_demo_counts *counts;
	struct rng r;
	struct ent *E;
	int n;
	int *by_node;	 /* enterprise numbers grouped by node */
	int *node_start; /* a node's first place in by_node */
	int *node_count; /* how many enterprises make a node */
};

/* A chain's share of the registry: its weight, doubled for long chains. */
static int chain_share(const struct cc_chain *ch)
{
	return chain_weight(ch->id) * (ch->nnodes > 8 ? 2 : 1);
}

/* Chooses the chain of the next enterprise by the chains' shares (TOTAL_W their sum). */
static const struct cc_chain *pick_chain(struct demo *g, int total_w)
{
	const struct cc_catalogue *cat = g->cat;
	int x = pick(&g->r, total_w), c = 0;
	for (; c < cat->nchains; c++) {
		int w = chain_share(&cat->chains[c]);
		if (x < w)
			break;
		x -= w;
	}
	if (c >= cat->nchains)
		c = cat->nchains - 1;
	return &cat->chains[c];
}

/*
 * Draws enterprise I's facts (nodes, region, size, growth, R&D intensity) into E[I] and
 * returns the place it is registered in.
 */
static const struct place *draw_enterprise(struct demo *g, int i, const struct cc_chain *ch)
{
	struct rng *r = &g->r;
	struct ent *e = &g->E[i];
	e->node = pick_node(r, g->cat, ch);
	e->node2 = uniform(r) < 0.12 ? pick_node(r, g->cat, ch) : -1;
	if (e->node2 == e->node ||
	    (e->node2 >= 0 && (int)(((uint64_t)e->node2 * 2654435761u >> 7) % 7) == 0))
		e->node2 = -1; /* a second link never fills one of the region's gaps */
	/* Some links are gaps of the region (about one in seven, fixed per node): their makers
	 * sit in other provinces, or now and then in Sichuan, so chain maps show missing and
	 * weak links as a real region has them. */
	int gap = (int)(((uint64_t)e->node * 2654435761u >> 7) % 7) == 0;
	double where = uniform(r);
	const struct place *pl;
	if (gap ? where < 0.12 : where < 0.9) {
		pl = &places[weighted_place(r, places, (int)(sizeof places / sizeof places[0]))];
		if (gap)
			while (pl->code / 10000 == 50)
				pl = &places[weighted_place(
					r, places, (int)(sizeof places / sizeof places[0]))];
		e->local = 1;
	} else {
		pl = &elsewhere[weighted_place(r, elsewhere,
					       (int)(sizeof elsewhere / sizeof elsewhere[0]))];
	}
	e->region = pl->code;
	make_uscc(e->uscc, e->region, (uint64_t)i + 1, g->o->seed);
	const struct cc_node *nd = &g->cat->nodes[e->node];
	/* Downstream makers are bigger; heavy tail by a log-normal. */
	double mu = 8.3 + 0.5 * nd->stage;
	e->size = exp(mu + 1.35 * normal(r));
	if (e->size < 200)
		e->size = 200 + uniform(r) * 300;
	e->growth = 0.06 + 0.12 * normal(r) * 0.8;
	int tech = strcmp(ch->id, "ic") == 0 || strcmp(ch->id, "software") == 0 ||
		   strcmp(ch->id, "biopharma") == 0 || strcmp(ch->id, "display") == 0 ||
		   strcmp(ch->id, "icv") == 0 || strcmp(ch->id, "power_semi") == 0 ||
		   strcmp(ch->id, "sensor") == 0;
	e->rd = exp(log(tech ? 0.055 : 0.028) + 0.6 * normal(r));
	if (e->rd > 0.35)
		e->rd = 0.35;
	e->role = 2;
	return pl;
}

/* Writes E's certificates (';'-separated, possibly none) into CERTS of N bytes. */
static void draw_certs(struct rng *r, const struct ent *e, char *certs, size_t n)
{
	size_t cu = 0;
	certs[0] = '\0';
	if (e->rd > 0.03 && uniform(r) < 0.6)
		cu += (size_t)snprintf(certs + cu, n - cu, "hightech");
	if (e->size < 20000 && e->rd > 0.02 && uniform(r) < 0.4)
		cu += (size_t)snprintf(certs + cu, n - cu, "%stech_sme", cu ? ";" : "");
	if (e->size < 100000 && e->rd > 0.03 && uniform(r) < 0.15) {
		cu += (size_t)snprintf(certs + cu, n - cu, "%ssrdi", cu ? ";" : "");
		if (uniform(r) < 0.15)
			cu += (size_t)snprintf(certs + cu, n - cu, ";srdi_giant");
	}
	if (e->size < 100000 && e->rd > 0.025 && uniform(r) < 0.2)
		cu += (size_t)snprintf(certs + cu, n - cu, "%sinnovative_sme", cu ? ";" : "");
}

/* Draws enterprise I's registry row (name, industry, founding, scale, listing, certificates)
 * and writes it. */
static void write_enterprise(struct demo *g, struct writer *w, int i, const struct place *pl)
{
	struct rng *r = &g->r;
	struct ent *e = &g->E[i];
	const struct cc_node *nd = &g->cat->nodes[e->node];
	char name[512], founded[40], *industry = NULL;
	snprintf(name, sizeof name, "%s%s%s%s", pl->prefix,
		 brands[pick(r, (int)(sizeof brands / sizeof brands[0]))], node_word(nd),
		 suffixes[pick(r, 5)]);
	if (uniform(r) < 0.3) {
		/* Some names carry a serial to read like real registries' branch names. */
		char tmp[512];
		snprintf(tmp, sizeof tmp, "%s%s第%d分公司", pl->prefix,
			 brands[pick(r, (int)(sizeof brands / sizeof brands[0]))], 1 + i % 97);
		if (uniform(r) < 0.1)
			snprintf(name, sizeof name, "%s", tmp);
	}
	for (int k = 0; k < nd->nindustries; k++)
		if (cc_industry_find(nd->industries[k])) {
			industry = (char *)nd->industries[k];
			break;
		}
	snprintf(founded, sizeof founded, "%04d-%02d-%02d", 1992 + pick(r, 31), 1 + pick(r, 12),
		 1 + pick(r, 28));
	const char *scale = e->size >= 40000  ? "large"
			    : e->size >= 2000 ? "medium"
			    : e->size >= 300  ? "small"
					      : "micro";
	const char *listed = "none";
	double lu = uniform(r);
	if (e->size > 80000 && lu < 0.35)
		listed = lu < 0.15 ? "main" : lu < 0.25 ? "star" : "gem";
	else if (e->size > 3000 && lu < 0.04)
		listed = "neeq";
	char certs[128];
	draw_certs(r, e, certs, sizeof certs);
	char region[8];
	snprintf(region, sizeof region, "%06d", e->region);
	w_field(w, e->uscc, 0);
	w_field(w, name, 0);
	w_field(w, region, 0);
	w_field(w, uniform(r) < 0.02 ? NULL : industry, 0);
	w_field(w, uniform(r) < 0.03 ? NULL : founded, 0);
	w_field(w, scale, 0);
	w_field(w, listed, 0);
	w_field(w, certs, 1);
}

/* The registry: draws every enterprise and writes enterprises.csv. */
static int write_registry(struct demo *g, struct cc_error *err)
{
	struct writer w = {0};
	int total_w = 0;
	for (int c = 0; c < g->cat->nchains; c++)
		total_w += chain_share(&g->cat->chains[c]);
	int rc = w_open(&w, g->dir, "enterprises.csv",
			"uscc,name,region,industry,founded,scale,listed,certs", err);
	if (rc)
		goto out;
	for (int i = 0; i < g->n; i++) {
		const struct cc_chain *ch = pick_chain(g, total_w);
		const struct place *pl = draw_enterprise(g, i, ch);
		write_enterprise(g, &w, i, pl);
		g->counts->enterprises++;
	}
	rc = w_close(&w, err);
out:
	w_close(&w, NULL);
	return rc;
}

/* Groups the enterprises by the node they make (by_node, node_start, node_count). */
static int index_by_node(struct demo *g, struct cc_error *err)
{
	int n = g->n, nnodes = g->cat->nnodes;
	g->by_node = malloc(sizeof *g->by_node * (size_t)n);
	g->node_start = calloc((size_t)nnodes + 1, sizeof *g->node_start);
	g->node_count = calloc((size_t)nnodes + 1, sizeof *g->node_count);
	if (!g->by_node || !g->node_start || !g->node_count)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	for (int i = 0; i < n; i++)
		g->node_count[g->E[i].node]++;
	for (int k = 0, acc = 0; k < nnodes; k++) {
		g->node_start[k] = acc;
		acc += g->node_count[k];
		g->node_count[k] = 0;
	}
	for (int i = 0; i < n; i++)
		g->by_node[g->node_start[g->E[i].node] + g->node_count[g->E[i].node]++] = i;
	return 0;
}

/*
 * Roles: per chain, the two or three largest local downstream (or midstream) makers are its
 * masters (and grow), and most other large enterprises are core members.
 */
static void choose_roles(struct demo *g)
{
	const struct cc_catalogue *cat = g->cat;
	struct ent *E = g->E;
	for (int c = 0; c < cat->nchains; c++) {
		const struct cc_chain *ch = &cat->chains[c];
		int best[3] = {-1, -1, -1};
		for (int k = ch->first_node; k < ch->first_node + ch->nnodes; k++) {
			if (cat->nodes[k].stage == CC_STAGE_UPSTREAM)
				continue;
			for (int j = 0; j < g->node_count[k]; j++) {
				int i = g->by_node[g->node_start[k] + j];
				if (!E[i].local)
					continue;
				for (int b = 0; b < 3; b++)
					if (best[b] < 0 || E[i].size > E[best[b]].size) {
						for (int m = 2; m > b; m--)
							best[m] = best[m - 1];
						best[b] = i;
						break;
					}
			}
		}
		int nm = 1 + (ch->nnodes > 8) + (ch->nnodes > 20);
		for (int b = 0; b < nm; b++)
			if (best[b] >= 0) {
				E[best[b]].role = 0;
				E[best[b]].size *= 2.5; /* masters anchor their chain */
			}
	}
	for (int i = 0; i < g->n; i++)
		if (E[i].role == 2 && E[i].size > 30000 && uniform(&g->r) < 0.7)
			E[i].role = 1;
}

/* An enterprise's steady traits behind its yearly and monthly figures. */
struct profile {
	double margin, assets_ratio, debt;
	double productivity; /* 万元 per person */
	double rd_share;     /* share of staff in R&D */
	double energy;	     /* tce per 万元 of output */
	double patents;	     /* invention patents held before the first year */
	double exports_share, local_share;
};

/* Draws E's traits (NODE its node). */
static void draw_profile(struct rng *r, const struct ent *e, const struct cc_node *nd,
			 struct profile *p)
{
	p->margin = 0.06 + 0.05 * normal(r);
	p->assets_ratio = uni(r, 0.8, 2.0);
	p->debt = uni(r, 0.3, 0.78);
	p->productivity = exp(log(90) + 0.4 * normal(r));
	p->rd_share = e->rd * uni(r, 2.5, 4.5);
	if (p->rd_share > 0.6)
		p->rd_share = 0.6;
	p->energy = (nd->stage == CC_STAGE_UPSTREAM ? 0.12 : 0.03) * exp(0.5 * normal(r));
	p->patents = floor(e->size * e->rd / 400 * uni(r, 0.3, 1.5));
	p->exports_share = uniform(r) < 0.3 ? uni(r, 0.02, 0.4) : 0;
	p->local_share = e->local ? uni(r, 0.1, 0.55) : uni(r, 0.0, 0.1);
}

/* Writes E's annual rows: REV[0..NY) its revenue by year, the last one LAST_YEAR. */
static void write_annual(struct demo *g, struct writer *w, const struct ent *e, struct profile *p,
			 const double *rev, int ny, int last_year, double *energy_out,
			 double *output_out)
{
	struct rng *r = &g->r;
	for (int y = 0; y < ny; y++) {
		char v[CC_M_BASE_COUNT][40], period[16];
		const char *cells[CC_M_BASE_COUNT];
		double R = rev[y];
		double out_v = R * uni(r, 0.92, 1.12);
		double emp = floor(out_v / p->productivity) + 5;
		double rds = floor(emp * p->rd_share);
		double profit = R * (p->margin + 0.02 * normal(r));
		double assets = R * p->assets_ratio;
		p->patents += floor(uniform(r) * (1 + R * e->rd / 2000));
		double vals[CC_M_BASE_COUNT] = {
			R,
			R * uni(r, 0.75, 0.98),
			out_v,
			profit,
			assets,
			assets * p->debt,
			profit * uni(r, 0.4, 1.6),
			emp,
			rds,
			R * e->rd * uni(r, 0.9, 1.1),
			p->patents,
			R * (e->rd > 0.03 ? uni(r, 0.5, 0.9) : uni(r, 0, 0.3)),
			R * p->exports_share,
			out_v * p->energy,
			R * uni(r, 0.02, 0.06),
			R * p->local_share,
			uniform(r) < 0.06 ? R * uni(r, 0.05, 0.5) : 0};
		for (int m = 0; m < CC_M_BASE_COUNT; m++) {
			int dec = cc_metric_get(m)->integer ? 0 : 2;
			fmt_num(v[m], sizeof v[m], vals[m], dec);
			cells[m] = uniform(r) < 0.015 ? NULL : v[m];
		}
		/* What the energy accounts decompose: the values as written (NaN when left out). */
		energy_out[y] = cells[CC_M_ENERGY_TCE] ? strtod(v[CC_M_ENERGY_TCE], NULL) : NAN;
		output_out[y] = cells[CC_M_OUTPUT_VALUE] ? strtod(v[CC_M_OUTPUT_VALUE], NULL) : NAN;
		snprintf(period, sizeof period, "%d", last_year - ny + 1 + y);
		w_field(w, e->uscc, 0);
		w_field(w, period, 0);
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			w_field(w, cells[m], m == CC_M_BASE_COUNT - 1);
		g->counts->indicators++;
	}
}

/* Writes E's monthly rows: the month alone (never cumulative), with seasonality. */
static void write_monthly(struct demo *g, struct writer *w, const struct ent *e,
			  const struct profile *p, int last_year)
{
	struct rng *r = &g->r;
	const struct cc_demo_opts *o = g->o;
	for (int k = o->months; k >= 1; k--) {
		int mi = (o->this_year * 12 + (o->this_month - 1)) - k;
		int yy = mi / 12, mm = mi % 12 + 1;
		double season = 1 + 0.12 * cos(2 * M_PI * (mm - 12) / 12.0) - (mm == 2 ? 0.15 : 0);
		double base = e->size * pow(1 + e->growth, (yy - last_year) + (mm - 6.5) / 12.0);
		double R = base / 12 * season * (1 + 0.06 * normal(r));
		char period[16], rv[40], ov[40], en[40], em[40], ex[40];
		snprintf(period, sizeof period, "%04d-%02d", yy, mm);
		fmt_num(rv, sizeof rv, R, 2);
		fmt_num(ov, sizeof ov, R * uni(r, 0.95, 1.1), 2);
		fmt_num(en, sizeof en, R * p->energy, 2);
		fmt_num(em, sizeof em, floor(e->size / p->productivity) + 5, 0);
		fmt_num(ex, sizeof ex, R * p->exports_share, 2);
		const char *cells[19] = {e->uscc, period, rv,	NULL, ov,   NULL, NULL,
					 NULL,	  NULL,	  em,	NULL, NULL, NULL, NULL,
					 ex,	  en,	  NULL, NULL, NULL};
		for (int c = 0; c < 19; c++)
			w_field(w, cells[c], c == 18);
		g->counts->indicators++;
	}
}

/*
 * How energy-hungry E's industry is: the six energy-intensive divisions of the statistics
 * (petroleum C25, chemicals C26, non-metallic minerals C30, ferrous C31 and non-ferrous C32
 * metals, power D44) use several times the energy per 万元 of output, electronics and software
 * far less. The industry is the one write_enterprise gives E (its node's first known code).
 */
static const char *ent_industry(const struct cc_node *nd)
{
	for (int k = 0; k < nd->nindustries; k++)
		if (cc_industry_find(nd->industries[k]))
			return nd->industries[k];
	return NULL;
}

static int heavy_industry(const char *ind)
{
	static const char *const heavy[] = {"C25", "C26", "C30", "C31", "C32", "D44"};
	for (size_t k = 0; ind && k < sizeof heavy / sizeof heavy[0]; k++)
		if (strncmp(ind, heavy[k], 3) == 0)
			return 1;
	return 0;
}

static double industry_energy_factor(const char *ind)
{
	if (heavy_industry(ind))
		return 4.0;
	if (ind && (!strncmp(ind, "C39", 3) || !strncmp(ind, "I6", 2) || !strncmp(ind, "C40", 3)))
		return 0.5;
	return 1.0;
}

/*
 * Writes E's energy accounts (energy.csv) for the years whose energy_tce was written: that
 * total split over carriers by a mix typical of its industry (heavy industry burns coal and
 * gas; others mostly buy electricity), each carrier's quantity in a unit its files use, so
 * that the carriers' tce sums to the written total (which they then stand for). R is the
 * energy accounts' own random stream, so the other files are the same with or without them.
 */
static void write_energy(struct demo *g, struct writer *w, struct rng *r, const struct ent *e,
			 const char *ind, const double *energy, const double *output, int ny,
			 int last_year)
{
	const struct green_factors *gf = green_factors_get(NULL);
	if (!gf)
		return;
	int heavy = heavy_industry(ind);
	/* Shares of tce: electricity, coal, gas, diesel, heat; own solar for some. */
	double mix[5];
	if (heavy) {
		mix[0] = uni(r, 0.2, 0.35), mix[1] = uni(r, 0.35, 0.55),
		mix[3] = uni(r, 0.02, 0.05);
		mix[4] = 0;
	} else {
		mix[0] = uni(r, 0.6, 0.85), mix[1] = 0, mix[3] = uni(r, 0.02, 0.06);
		mix[4] = uniform(r) < 0.3 ? uni(r, 0.03, 0.1) : 0;
	}
	mix[2] = 1 - mix[0] - mix[1] - mix[3] - mix[4];
	double solar = uniform(r) < (e->size > 20000 ? 0.4 : 0.1) ? uni(r, 0.03, 0.12) : 0;
	double water_per_out = (heavy ? 8 : 2) * exp(0.5 * normal(r)); /* t per 万元 */
	double va_share = uni(r, 0.18, 0.35);
	static const char *const ids[5] = {"electricity", "coal", "natural_gas", "diesel", "heat"};
	static const char *const units[5] = {"kWh", "t", "m3", "t", "GJ"};
	static const double per_unit[5] = {1, 1000, 1, 1000, 1000}; /* canonical units per unit */
	for (int y = 0; y < ny; y++) {
		if (!isfinite(energy[y]) || energy[y] <= 0)
			continue;
		char period[16], q[48], va[48];
		snprintf(period, sizeof period, "%d", last_year - ny + 1 + y);
		double drift = 1 + 0.03 * normal(r); /* the mix moves a little year to year */
		for (int k = 0; k < 5; k++) {
			double share = k == 0 ? mix[0] * drift : mix[k];
			if (k == 2)
				share = 1 - mix[0] * drift - mix[1] - mix[3] - mix[4];
			if (share <= 0)
				continue;
			int c = green_carrier_find(gf, ids[k], strlen(ids[k]));
			if (c < 0)
				continue;
			double tce = energy[y] * share;
			double units_n = tce * 1000 / gf->carriers[c].kgce / per_unit[k];
			if (k == 0 && solar > 0) {
				/* Part of the electricity from the firm's own roof. */
				int rc_ = green_carrier_find(gf, "renewable", 9);
				if (rc_ >= 0) {
					fmt_num(q, sizeof q, units_n * solar, 6);
					w_field(w, e->uscc, 0);
					w_field(w, period, 0);
					w_field(w, "renewable", 0);
					w_field(w, q, 0);
					w_field(w, "kWh", 0);
					w_field(w, NULL, 1);
					units_n *= 1 - solar;
				}
			}
			fmt_num(q, sizeof q, units_n, 6);
			w_field(w, e->uscc, 0);
			w_field(w, period, 0);
			w_field(w, ids[k], 0);
			w_field(w, q, 0);
			w_field(w, units[k], 0);
			if (k == 0 && isfinite(output[y])) {
				fmt_num(va, sizeof va,
					output[y] * va_share * (1 + 0.02 * normal(r)), 2);
				w_field(w, va, 1);
			} else {
				w_field(w, NULL, 1);
			}
		}
		if (isfinite(output[y])) {
			fmt_num(q, sizeof q, output[y] * water_per_out, 1);
			w_field(w, e->uscc, 0);
			w_field(w, period, 0);
			w_field(w, "water", 0);
			w_field(w, q, 0);
			w_field(w, "t", 0);
			w_field(w, NULL, 1);
		}
		g->counts->energy++;
	}
}

/* Indicators: annual years and then months, enterprise by enterprise, into indicators.csv. */
static int write_indicators(struct demo *g, struct cc_error *err)
{
	/* indicators, energy accounts, flags, green recognitions */
	struct writer w = {0}, ew = {0}, fw = {0}, gw = {0};
	int rc = w_open(
		&w, g->dir, "indicators.csv",
		"uscc,period,revenue,main_revenue,output_value,net_profit,total_assets,"
		"total_liabilities,op_cash_flow,employees,rd_staff,rd_expense,invention_patents,"
		"hightech_revenue,exports,energy_tce,tax,local_purchase,financing",
		err);
	if (rc)
		goto out;
	/* The energy accounts (issue 16): their own file and random stream. */
	struct rng er = {g->o->seed * 0x9E3779B97F4A7C15ull + 16};
	rc = w_open(&ew, g->dir, "energy.csv", "uscc,period,carrier,quantity,unit,value_added",
		    err);
	if (rc)
		goto out;
	/* Compliance flags of the latest year (issue 16): environmental and 淘汰类 findings in
	 * heavy industry, quality and safety ones elsewhere, from the same stream. */
	rc = w_open(&fw, g->dir, "flags.csv", "uscc,period,flag,description,source", err);
	if (rc)
		goto out;
	rc = w_open(&gw, g->dir, "recognitions.csv", "uscc,recognition,level,year,name,source",
		    err);
	if (rc)
		goto out;
	int last_year = g->o->this_year - 1;
	for (int i = 0; i < g->n; i++) {
		const struct ent *e = &g->E[i];
		double rev[64];
		int ny = g->o->annual_years < 64 ? g->o->annual_years : 64;
		/* Walk back from the latest size with the enterprise's own trend plus noise. */
		if (ny > 0) {
			rev[ny - 1] = e->size;
			for (int y = ny - 2; y >= 0; y--) {
				double gr = e->growth + 0.08 * normal(&g->r);
				if (gr < -0.5)
					gr = -0.5;
				rev[y] = rev[y + 1] / (1 + gr);
			}
		}
		struct profile p;
		double energy[64], output[64];
		const struct cc_node *nd = &g->cat->nodes[e->node];
		draw_profile(&g->r, e, nd, &p);
		p.energy *= industry_energy_factor(ent_industry(nd));
		write_annual(g, &w, e, &p, rev, ny, last_year, energy, output);
		write_monthly(g, &w, e, &p, last_year);
		/* Most firms report carriers; small light ones often only the total. */
		if (heavy_industry(ent_industry(nd)) || uniform(&er) < 0.6)
			write_energy(g, &ew, &er, e, ent_industry(nd), energy, output, ny,
				     last_year);
		{
			static const char *const kinds[4] = {"environment", "obsolete_process",
							     "quality", "safety"};
			int heavy = heavy_industry(ent_industry(nd));
			double u = uniform(&er);
			int k = heavy ? (u < 0.05   ? 0
					 : u < 0.08 ? 1
						    : -1)
				      : (u < 0.006   ? 2
					 : u < 0.012 ? 3
						     : -1);
			/* Green factories and design products among the frugal bigger firms. */
			if (p.energy < 0.025 && e->size > 2000 && uniform(&er) < 0.3) {
				char yr[16];
				snprintf(yr, sizeof yr, "%d", last_year - (int)(uniform(&er) * 3));
				int design = uniform(&er) < 0.25;
				w_field(&gw, e->uscc, 0);
				w_field(&gw, design ? "green_design_product" : "green_factory", 0);
				w_field(&gw, uniform(&er) < 0.3 ? "national" : "municipal", 0);
				w_field(&gw, yr, 0);
				w_field(&gw, NULL, 0);
				w_field(&gw, NULL, 1);
			}
			if (k >= 0) {
				char period[16];
				snprintf(period, sizeof period, "%d", last_year);
				w_field(&fw, e->uscc, 0);
				w_field(&fw, period, 0);
				w_field(&fw, kinds[k], 0);
				/* No description or document: the demo has no real finding to cite
				 * (the reason then names the kind alone, in either language). */
				w_field(&fw, NULL, 0);
				w_field(&fw, NULL, 1);
			}
		}
	}
	rc = w_close(&w, err);
	if (rc == 0)
		rc = w_close(&ew, err);
	if (rc == 0)
		rc = w_close(&fw, err);
	if (rc == 0)
		rc = w_close(&gw, err);
out:
	w_close(&w, NULL);
	w_close(&ew, NULL);
	w_close(&fw, NULL);
	w_close(&gw, NULL);
	return rc;
}

/* Chain members: each enterprise on its node (with its role) and on its second node. */
static int write_members(struct demo *g, struct cc_error *err)
{
	static const char *const roles[] = {"master", "core", "member"};
	const struct cc_catalogue *cat = g->cat;
	struct writer w = {0};
	int rc = w_open(&w, g->dir, "chain_members.csv", "uscc,chain,node,role,product", err);
	if (rc)
		goto out;
	for (int i = 0; i < g->n; i++) {
		for (int k = 0; k < 2; k++) {
			int ni = k ? g->E[i].node2 : g->E[i].node;
			if (ni < 0)
				continue;
			const struct cc_node *nd = &cat->nodes[ni];
			w_field(&w, g->E[i].uscc, 0);
			w_field(&w, cat->chains[nd->chain].id, 0);
			w_field(&w, nd->id, 0);
			w_field(&w, roles[k ? 2 : g->E[i].role], 0);
			w_field(&w, nd->nproducts ? nd->products[pick(&g->r, nd->nproducts)] : NULL,
				1);
			g->counts->members++;
		}
	}
	rc = w_close(&w, err);
out:
	w_close(&w, NULL);
	return rc;
}

/*
 * Picks an input node for BUYER (on node BN of chain CH): a node of an earlier stage, or of
 * the same stage for upstream buyers. Returns its index or -1 when eight tries find none.
 */
static int pick_input_node(struct demo *g, const struct ent *buyer, const struct cc_node *bn,
			   const struct cc_chain *ch)
{
	const struct cc_catalogue *cat = g->cat;
	int sn = -1;
	for (int t = 0; t < 8 && sn < 0; t++) {
		int cand = ch->first_node + pick(&g->r, ch->nnodes);
		if (cand != buyer->node && cat->nodes[cand].stage <= bn->stage &&
		    (cat->nodes[cand].stage < bn->stage || bn->stage == CC_STAGE_UPSTREAM))
			sn = cand;
	}
	return sn;
}

/*
 * Picks a registry supplier of node SN for buyer I: preferential attachment (the biggest of
 * three tries: hubs), and most buyers source in their own province when they can. Returns
 * the enterprise's number (which may be I itself).
 */
static int pick_hub(struct demo *g, int i, int sn)
{
	const struct ent *E = g->E, *b = &g->E[i];
	int best = -1, near = uniform(&g->r) < 0.75;
	for (int t = 0;
	     t < 3 || (near && best >= 0 && t < 8 && E[best].region / 10000 != b->region / 10000);
	     t++) {
		int cand = g->by_node[g->node_start[sn] + pick(&g->r, g->node_count[sn])];
		int same = E[cand].region / 10000 == b->region / 10000;
		int best_same = best >= 0 && E[best].region / 10000 == b->region / 10000;
		if (best < 0 || (near && same && !best_same) ||
		    ((!near || same == best_same) && E[cand].size > E[best].size))
			best = cand;
	}
	return best;
}

/*
 * Draws the suppliers of node SN to buyer I: up to 8 distinct credit codes into SUP with
 * their weights in W (WSUM their sum). Returns how many.
 */
static int pick_suppliers(struct demo *g, int i, int sn, char sup[8][19], double w[8], double *wsum)
{
	struct rng *r = &g->r;
	int nsup = 1 + pick(r, 3) + (uniform(r) < 0.2 ? 2 : 0);
	int ns = 0;
	*wsum = 0;
	for (int s = 0; s < nsup && ns < 8; s++) {
		char code[19];
		if (uniform(r) < 0.2 || g->node_count[sn] == 0) {
			/* Outside the registry: a supplier of another province. */
			int pi = weighted_place(r, elsewhere,
						(int)(sizeof elsewhere / sizeof elsewhere[0]));
			make_uscc(code, elsewhere[pi].code,
				  (uint64_t)g->n + 1 + (uint64_t)pick(r, 400 + g->n / 20),
				  g->o->seed);
		} else {
			int best = pick_hub(g, i, sn);
			if (best == i)
				continue;
			memcpy(code, g->E[best].uscc, 19);
		}
		int dup = 0;
		for (int q = 0; q < ns; q++)
			dup |= strcmp(sup[q], code) == 0;
		if (dup)
			continue;
		memcpy(sup[ns], code, 19);
		w[ns] = exp(normal(r));
		*wsum += w[ns];
		ns++;
	}
	return ns;
}

/* Writes buyer I's supply edges: one to three inputs, each from a few suppliers. */
static void write_buyer_supply(struct demo *g, struct writer *wr, int i)
{
	struct rng *r = &g->r;
	const struct ent *b = &g->E[i];
	const struct cc_node *bn = &g->cat->nodes[b->node];
	const struct cc_chain *ch = &g->cat->chains[bn->chain];
	if (bn->stage == CC_STAGE_UPSTREAM && uniform(r) < 0.7)
		return;
	int inputs = 1 + pick(r, 3), used_nodes[4], nused = 0;
	const char *used_products[4];
	for (int in = 0; in < inputs; in++) {
		int sn = pick_input_node(g, b, bn, ch);
		for (int q = 0; q < nused; q++)
			if (used_nodes[q] == sn)
				sn = -1;
		if (sn < 0)
			continue;
		used_nodes[nused++] = sn;
		const struct cc_node *snd = &g->cat->nodes[sn];
		double need = b->size * uni(r, 0.05, 0.25); /* this input's yearly spend */
		double w[8], wsum;
		char sup[8][19];
		int ns = pick_suppliers(g, i, sn, sup, w, &wsum);
		double covered = uniform(r) < 0.8 ? 1.0 : uni(r, 0.6, 0.95);
		const char *product =
			snd->nproducts ? snd->products[pick(r, snd->nproducts)] : snd->name_zh;
		/* Shares are per buyer and product: one product name, one set of shares. */
		int seen = 0;
		for (int q = 0; q < nused - 1; q++)
			seen |= strcmp(used_products[q], product) == 0;
		if (seen)
			continue;
		used_products[nused - 1] = product;
		for (int q = 0; q < ns; q++) {
			char nodeid[256], value[40], share[40];
			double sh = floor(w[q] / wsum * covered * 10000) / 10000;
			snprintf(nodeid, sizeof nodeid, "%s.%s", ch->id, snd->id);
			fmt_num(value, sizeof value, need * sh, 2);
			fmt_num(share, sizeof share, sh, 4);
			w_field(wr, sup[q], 0);
			w_field(wr, b->uscc, 0);
			w_field(wr, product, 0);
			w_field(wr, nodeid, 0);
			w_field(wr, value, 0);
			w_field(wr, share, 1);
			g->counts->supply++;
		}
	}
}

/* Supply edges: buyers on midstream/downstream nodes buy from earlier-stage nodes. */
static int write_supply(struct demo *g, struct cc_error *err)
{
	struct writer w = {0};
	int rc = w_open(&w, g->dir, "supply.csv", "supplier,buyer,product,node,annual_value,share",
			err);
	if (rc)
		goto out;
	for (int i = 0; i < g->n; i++)
		write_buyer_supply(g, &w, i);
	rc = w_close(&w, err);
out:
	w_close(&w, NULL);
	return rc;
}

/* Writes one posting of local enterprise I: what it sells, or what it needs. */
static void write_posting(struct demo *g, struct writer *w, int i)
{
	static const char *const units[] = {"件", "套", "吨", "片", "台", "米"};
	struct rng *r = &g->r;
	const struct cc_node *nd = &g->cat->nodes[g->E[i].node];
	const struct cc_chain *ch = &g->cat->chains[nd->chain];
	int demand = uniform(r) < 0.45 && nd->parent >= 0;
	const struct cc_node *pn = nd;
	if (demand) {
		/* Need something from an earlier node of the chain. */
		int cand = ch->first_node + pick(r, ch->nnodes);
		if (g->cat->nodes[cand].stage <= nd->stage)
			pn = &g->cat->nodes[cand];
	}
	const char *prod = pn->nproducts ? pn->products[pick(r, pn->nproducts)] : pn->name_zh;
	char title[512], desc[1024], nodeid[256], qty[32], until[40], pref[64] = "";
	snprintf(title, sizeof title, "%s%s", demand ? "采购" : "供应", prod);
	snprintf(desc, sizeof desc,
		 demand ? "长期%s需求，要求具备%s配套经验，川渝地区优先，可签年度框架协议。"
			: "可稳定供应%s，产能充足，具备%s行业配套经验，支持川渝两地送货。",
		 prod, ch->name_zh);
	snprintf(nodeid, sizeof nodeid, "%s.%s", ch->id, pn->id);
	snprintf(qty, sizeof qty, "%d", (1 + pick(r, 50)) * 100);
	int expired = uniform(r) < 0.1;
	snprintf(until, sizeof until, "%04d-%02d-28", g->o->this_year + (expired ? -1 : 1),
		 1 + pick(r, 12));
	if (uniform(r) < 0.5)
		snprintf(pref, sizeof pref, "%s",
			 g->E[i].region / 10000 == 50 ? "510100" : "500000");
	w_field(w, demand ? "demand" : "supply", 0);
	w_field(w, g->E[i].uscc, 0);
	w_field(w, title, 0);
	w_field(w, desc, 0);
	w_field(w, nodeid, 0);
	w_field(w, qty, 0);
	w_field(w, units[pick(r, 6)], 0);
	w_field(w, pref, 0);
	w_field(w, until, 1);
	g->counts->postings++;
}

/* Postings: about one local enterprise in twelve says what it sells or needs. */
static int write_postings(struct demo *g, struct cc_error *err)
{
	struct writer w = {0};
	int rc = w_open(&w, g->dir, "postings.csv",
			"kind,uscc,title,description,node,quantity,unit,region_pref,valid_until",
			err);
	if (rc)
		goto out;
	for (int i = 0; i < g->n; i++) {
		if (!g->E[i].local || uniform(&g->r) > 0.085)
			continue;
		write_posting(g, &w, i);
	}
	rc = w_close(&w, err);
out:
	w_close(&w, NULL);
	return rc;
}

/*
 * One IPC code under PREFIX (canonical text of data/innovation/ipc_nodes.csv: a subclass, a
 * main group or a subgroup prefix), completed with drawn digits.
 */
static void ipc_under(struct rng *r, const char *prefix, size_t n, char *out, size_t cap)
{
	const char *slash = memchr(prefix, '/', n);
	const char *space = memchr(prefix, ' ', n);
	if (slash) /* a subgroup prefix: make it at least two digits */
		snprintf(out, cap, "%.*s%s", (int)n, prefix, (prefix + n - slash) < 3 ? "0" : "");
	else if (space) /* a main group */
		snprintf(out, cap, "%.*s/%02d", (int)n, prefix, 1 + pick(r, 40));
	else if (n == 4) /* a subclass */
		snprintf(out, cap, "%.*s %d/%02d", (int)n, prefix, 1 + pick(r, 30), pick(r, 20));
	else /* a class or section: the map has none, but stay valid */
		snprintf(out, cap, "H01M 10/0525");
}

/*
 * Patents: local enterprises on a node with IPC prefixes hold a few, more for R&D-intensive
 * ones; each with an IPC code under its node's prefixes (so the node's stock counts it), filed
 * over the last twelve years, granted after examination (inventions 2-3 years, utility models
 * one, designs half a year), about one in twelve lapsed since.
 */
static int write_patents(struct demo *g, struct cc_error *err)
{
	struct writer w = {0};
	const struct innov_map *m = innov_map_get(g->cat, err);
	int last = g->o->this_year - 1, serial = 0;
	int rc = m ? w_open(&w, g->dir, "patents.csv",
			    "number,kind,title,ipc,filed,granted,lapsed,status,holder", err)
		   : CC_EINVAL;
	if (rc)
		goto out;
	for (int i = 0; i < g->n; i++) {
		const struct ent *e = &g->E[i];
		const char *pre = e->local ? innov_map_node_ipc(m, e->node) : NULL;
		if (!pre || uniform(&g->r) > 0.35 + 4 * e->rd)
			continue;
		const struct cc_node *nd = &g->cat->nodes[e->node];
		int np = 1 + pick(&g->r, 3) + (int)(e->rd * 60);
		if (np > 12)
			np = 12;
		for (int k = 0; k < np; k++) {
			static const int kinds[] = {1, 1, 1, 2, 2, 2, 2, 3};
			static const char *const kind_ids[] = {"", "invention", "utility_model",
							       "design"};
			int kind = kinds[pick(&g->r, 8)];
			int fy = last - pick(&g->r, 12);
			char d[32], num[40], ipc[64] = "", title[256], filed[32], granted[32] = "",
					     lapsed[32] = "";
			snprintf(d, sizeof d, "%04d%d%07d", fy, kind, 100000 + serial++);
			snprintf(num, sizeof num, "%s.%c", d, cc_patent_check_char(d, 12));
			if (kind != 3) {
				/* One of the node's prefixes. */
				int np2 = 1;
				for (const char *c = pre; *c; c++)
					np2 += *c == ';';
				int want = pick(&g->r, np2);
				const char *s = pre;
				for (int j = 0; j < want; j++)
					s = strchr(s, ';') + 1;
				const char *end = strchr(s, ';');
				ipc_under(&g->r, s, end ? (size_t)(end - s) : strlen(s), ipc,
					  sizeof ipc);
			}
			const char *tech =
				nd->ntechnologies ? nd->technologies[pick(&g->r, nd->ntechnologies)]
						  : node_word(nd);
			static const char *const forms[] = {"一种%s方法", "一种%s装置",
							    "%s系统及方法", "基于%s的制备工艺"};
			if (kind == 3)
				snprintf(title, sizeof title, "%s（外观）", node_word(nd));
			else
				snprintf(title, sizeof title, forms[pick(&g->r, 4)], tech);
			int fm = 1 + pick(&g->r, 12), fd = 1 + pick(&g->r, 28);
			snprintf(filed, sizeof filed, "%04d-%02d-%02d", fy, fm, fd);
			int months = kind == 1	 ? 20 + pick(&g->r, 18)
				     : kind == 2 ? 8 + pick(&g->r, 6)
						 : 4 + pick(&g->r, 4);
			int gy = fy + (fm + months - 1) / 12, gm = (fm + months - 1) % 12 + 1;
			const char *status = "pending";
			if (gy <= last) {
				snprintf(granted, sizeof granted, "%04d-%02d-%02d", gy, gm, fd);
				status = "valid";
				int ly = gy + 3 + pick(&g->r, 5);
				if (uniform(&g->r) < 0.08 && ly <= last) {
					snprintf(lapsed, sizeof lapsed, "%04d-%02d-%02d", ly, gm,
						 fd);
					status = "invalid";
				}
			}
			w_field(&w, num, 0);
			w_field(&w, kind_ids[kind], 0);
			w_field(&w, title, 0);
			w_field(&w, ipc, 0);
			w_field(&w, filed, 0);
			w_field(&w, granted, 0);
			w_field(&w, lapsed, 0);
			w_field(&w, status, 0);
			w_field(&w, e->uscc, 1);
			g->counts->patents++;
		}
	}
	rc = w_close(&w, err);
out:
	w_close(&w, NULL);
	return rc;
}

int cc_demo_write(const char *dir, const struct cc_demo_opts *o, struct cc_demo_counts *counts,
		  struct cc_error *err)
{
	struct demo g = {.dir = dir, .o = o, .counts = counts, .n = o->enterprises};
	int rc = 0;
	g.r.s = o->seed * 0x2545F4914F6CDD1Dull + 12345;
	memset(counts, 0, sizeof *counts);

	g.cat = cc_catalogue_get(err);
	if (!g.cat) {
		rc = CC_EINVAL;
		goto out;
	}
	rc = cc_codes_load(err);
	if (rc)
		goto out;
	g.E = calloc((size_t)g.n, sizeof *g.E);
	if (!g.E) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	/* The order of the steps is the order of their draws from the one random stream. */
	rc = write_registry(&g, err);
	if (rc)
		goto out;
	rc = index_by_node(&g, err);
	if (rc)
		goto out;
	choose_roles(&g);
	rc = write_indicators(&g, err);
	if (rc)
		goto out;
	rc = write_members(&g, err);
	if (rc)
		goto out;
	rc = write_supply(&g, err);
	if (rc)
		goto out;
	rc = write_postings(&g, err);
	if (rc)
		goto out;
	rc = write_patents(&g, err);
out:
	free(g.E);
	free(g.by_node);
	free(g.node_start);
	free(g.node_count);
	return rc;
}
