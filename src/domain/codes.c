/*
 * Region and industry code lists (see codes.h). Both are small (a few thousand rows): sorted
 * arrays searched by binary search, strings in one arena.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "base/arena.h"
#include "base/buf.h"
#include "base/builtin.h"
#include "base/csv.h"
#include "base/parse.h"
#include "domain/codes.h"

static struct cc_arena arena;
static struct cc_region *regions;
static int nregions;
static struct cc_industry *industries;
static int nindustries;
static char regions_version[128];
static int load_rc;
static struct cc_error load_err;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Reads data file NAME as CSV and calls FN for every data row (header skipped). */
static int each_row(const char *name, int (*fn)(const struct cc_row *row), struct cc_error *err)
{
	char *text = NULL;
	size_t len = 0;
	struct cc_source *src = NULL;
	struct cc_csv *csv = NULL;
	struct cc_row row;
	int rc = cc_data_read(name, &text, &len);
	if (rc) {
		cc_error_set(err, rc, "cannot read data file '%s'", name);
		goto out;
	}
	rc = cc_source_open_mem(&src, text, len, err);
	if (rc)
		goto out;
	rc = cc_csv_open(&csv, src, err);
	if (rc)
		goto out;
	src = NULL;
	int first = 1;
	while ((rc = cc_csv_next(csv, &row, err)) == 1) {
		if (first) {
			first = 0;
			continue;
		}
		rc = fn(&row);
		if (rc) {
			cc_error_set(err, rc, "bad row at line %ld of data file '%s'", row.line,
				     name);
			goto out;
		}
	}
out:
	cc_csv_free(csv);
	cc_source_free(src);
	free(text);
	return rc;
}

static int cap_regions, cap_industries;

static int region_row(const struct cc_row *row)
{
	long long code, parent = 0, level;
	if (row->nfields < 4 || cc_parse_int64(row->fields[0], row->lens[0], &code) ||
	    cc_parse_int64(row->fields[3], row->lens[3], &level))
		return CC_EINVAL;
	if (row->lens[2] && cc_parse_int64(row->fields[2], row->lens[2], &parent))
		return CC_EINVAL;
	if (nregions == cap_regions) {
		cap_regions = cap_regions ? cap_regions * 2 : 4096;
		struct cc_region *p = realloc(regions, sizeof *p * (size_t)cap_regions);
		if (!p)
			return CC_ENOMEM;
		regions = p;
	}
	struct cc_region *r = &regions[nregions++];
	r->code = (int)code;
	r->parent = (int)parent;
	r->level = (int)level;
	r->name = cc_arena_strndup(&arena, row->fields[1], row->lens[1]);
	r->name_en = r->short_en = NULL;
	return r->name ? 0 : CC_ENOMEM;
}

static int industry_en_row(const struct cc_row *row)
{
	char code[16];
	if (row->nfields < 2 || !row->lens[0] || !row->lens[1] || row->lens[0] >= sizeof code)
		return CC_EINVAL;
	memcpy(code, row->fields[0], row->lens[0]);
	code[row->lens[0]] = '\0';
	for (int i = 0; i < nindustries; i++)
		if (strcmp(industries[i].code, code) == 0) {
			industries[i].name_en =
				cc_arena_strndup(&arena, row->fields[1], row->lens[1]);
			return industries[i].name_en ? 0 : CC_ENOMEM;
		}
	return CC_EINVAL; /* a code the list does not hold */
}

static int cmp_region(const void *a, const void *b);

/* A row of regions.en.csv (code, short_en, name_en) for a region already loaded. */
static int region_en_row(const struct cc_row *row)
{
	long long code;
	if (row->nfields < 3 || cc_parse_int64(row->fields[0], row->lens[0], &code) ||
	    !row->lens[1] || !row->lens[2])
		return CC_EINVAL;
	struct cc_region key = {.code = (int)code};
	struct cc_region *r = bsearch(&key, regions, (size_t)nregions, sizeof *regions, cmp_region);
	if (!r)
		return CC_EINVAL;
	r->short_en = cc_arena_strndup(&arena, row->fields[1], row->lens[1]);
	r->name_en = cc_arena_strndup(&arena, row->fields[2], row->lens[2]);
	return r->short_en && r->name_en ? 0 : CC_ENOMEM;
}

static int industry_row(const struct cc_row *row)
{
	long long level;
	if (row->nfields < 4 || cc_parse_int64(row->fields[2], row->lens[2], &level))
		return CC_EINVAL;
	if (nindustries == cap_industries) {
		cap_industries = cap_industries ? cap_industries * 2 : 2048;
		struct cc_industry *p = realloc(industries, sizeof *p * (size_t)cap_industries);
		if (!p)
			return CC_ENOMEM;
		industries = p;
	}
	struct cc_industry *d = &industries[nindustries++];
	d->code = cc_arena_strndup(&arena, row->fields[0], row->lens[0]);
	d->name = cc_arena_strndup(&arena, row->fields[1], row->lens[1]);
	d->parent = cc_arena_strndup(&arena, row->fields[3], row->lens[3]);
	d->level = (int)level;
	d->name_en = NULL;
	return (d->code && d->name && d->parent) ? 0 : CC_ENOMEM;
}

static int cmp_region(const void *a, const void *b)
{
	const struct cc_region *x = a, *y = b;
	return (x->code > y->code) - (x->code < y->code);
}

static int cmp_industry(const void *a, const void *b)
{
	const struct cc_industry *x = a, *y = b;
	return strcmp(x->code, y->code);
}

static void load_once(void)
{
	cc_arena_init(&arena, 64 * 1024);
	load_rc = each_row("regions.csv", region_row, &load_err);
	if (load_rc == 0)
		load_rc = each_row("industries.csv", industry_row, &load_err);
	if (load_rc == 0) {
		qsort(regions, (size_t)nregions, sizeof *regions, cmp_region);
		qsort(industries, (size_t)nindustries, sizeof *industries, cmp_industry);
		/* English names, where the platform has them (the district map's areas). */
		load_rc = each_row("regions.en.csv", region_en_row, &load_err);
		/* English names of the sections and divisions (GB/T 4754-2017's 门类 and 大类). */
		if (load_rc == 0)
			load_rc = each_row("industries.en.csv", industry_en_row, &load_err);
	}
	if (load_rc == 0) {
		char *meta = NULL;
		size_t len;
		snprintf(regions_version, sizeof regions_version, "unknown");
		if (cc_data_read("regions.meta.json", &meta, &len) == 0) {
			json_t *j = json_loadb(meta, len, 0, NULL);
			const char *src = json_string_value(json_object_get(j, "source"));
			const char *ver = json_string_value(json_object_get(j, "version"));
			if (src && ver)
				snprintf(regions_version, sizeof regions_version, "%s %s", src,
					 ver);
			json_decref(j);
			free(meta);
		}
	}
}

int cc_codes_load(struct cc_error *err)
{
	pthread_once(&once, load_once);
	if (load_rc && err)
		*err = load_err;
	return load_rc;
}

const struct cc_region *cc_region_find(int code)
{
	struct cc_region key = {.code = code};
	if (!regions)
		return NULL;
	return bsearch(&key, regions, (size_t)nregions, sizeof *regions, cmp_region);
}

int cc_region_province(int code)
{
	return code / 10000 * 10000;
}

int cc_region_area(int code)
{
	const struct cc_region *r = cc_region_find(code);
	if (!r || r->level < 2)
		return 0;
	int province = cc_region_province(code);
	if (province == 110000 || province == 120000 || province == 310000 || province == 500000)
		return r->level == 3 ? code : 0;
	return r->level == 2 ? code : r->parent;
}

int cc_region_prefecture(int code)
{
	return code / 100 * 100;
}

int cc_region_span(int scope, int *lo, int *hi)
{
	*lo = 1;
	*hi = 0;
	if (scope >= 10 && scope <= 99)
		scope *= 10000;
	else if (scope >= 1000 && scope <= 9999)
		scope *= 100;
	else if (scope < 100000 || scope > 999999)
		return -1;
	int span = scope % 10000 == 0 ? 10000 : scope % 100 == 0 ? 100 : 1;
	*lo = scope;
	*hi = scope + span - 1;
	return 0;
}

int cc_region_within(int code, int scope)
{
	int lo, hi;
	if (cc_region_span(scope, &lo, &hi))
		return 0;
	return code >= lo && code <= hi;
}

void cc_region_sql(struct cc_buf *b, const char *column, int scope)
{
	int lo, hi;
	if (cc_region_span(scope, &lo, &hi))
		cc_buf_puts(b, " AND 1 = 0");
	else
		cc_buf_printf(b, " AND %s BETWEEN %d AND %d", column, lo, hi);
}

int cc_region_list_parse(const char *s, size_t n, char *out, size_t cap, const char **bad,
			 size_t *badlen)
{
	size_t i = 0, used = 0;
	int count = 0;
	*bad = NULL;
	*badlen = 0;
	if (cap)
		out[0] = '\0';
	while (i < n) {
		while (i < n && (s[i] == ';' || s[i] == ',' || s[i] == ' ' || s[i] == '\t'))
			i++;
		size_t j = i;
		while (j < n && s[j] != ';' && s[j] != ',' && s[j] != ' ' && s[j] != '\t')
			j++;
		if (j > i) {
			long long code;
			if (j - i != 6 || cc_parse_int64(s + i, j - i, &code) ||
			    !cc_region_find((int)code)) {
				*bad = s + i;
				*badlen = j - i;
				return -1;
			}
			int w = snprintf(out + used, cap - used, "%s%lld", used ? ";" : "", code);
			if (w < 0 || (size_t)w >= cap - used) {
				out[used] = '\0'; /* the codes that fit, whole */
				return -2;
			}
			used += (size_t)w;
			count++;
		}
		i = j;
	}
	return count;
}

void cc_region_fullname(int code, char *out, size_t n)
{
	const struct cc_region *chain[3];
	int k = 0;
	const struct cc_region *r = cc_region_find(code);
	while (r && k < 3) {
		chain[k++] = r;
		r = r->parent ? cc_region_find(r->parent) : NULL;
	}
	size_t used = 0;
	out[0] = '\0';
	for (int i = k - 1; i >= 0; i--) {
		/* Skip the placeholder prefectures of municipalities (市辖区, 县). */
		if (i > 0 && chain[i]->level == 2 &&
		    (strcmp(chain[i]->name, "市辖区") == 0 || strcmp(chain[i]->name, "县") == 0))
			continue;
		int w = snprintf(out + used, n - used, "%s", chain[i]->name);
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
}

int cc_region_count(void)
{
	return nregions;
}

const struct cc_region *cc_region_at(int i)
{
	return (i >= 0 && i < nregions) ? &regions[i] : NULL;
}

const char *cc_regions_version(void)
{
	return regions_version;
}

const struct cc_industry *cc_industry_find(const char *code)
{
	char up[16];
	size_t n = strlen(code);
	if (!industries || n == 0 || n >= sizeof up)
		return NULL;
	memcpy(up, code, n + 1);
	if (up[0] >= 'a' && up[0] <= 'z')
		up[0] = (char)(up[0] - 'a' + 'A');
	struct cc_industry key = {.code = up};
	return bsearch(&key, industries, (size_t)nindustries, sizeof *industries, cmp_industry);
}

int cc_industry_count(void)
{
	return nindustries;
}

const struct cc_industry *cc_industry_at(int i)
{
	return (i >= 0 && i < nindustries) ? &industries[i] : NULL;
}

const char *cc_industry_name_en(const struct cc_industry *ind, char *out, size_t n)
{
	if (n == 0)
		return out;
	out[0] = '\0';
	if (!ind)
		return out;
	if (ind->name_en) {
		snprintf(out, n, "%s", ind->name_en);
		return out;
	}
	/* A group or class: its division (the section letter and two digits). */
	char div[4];
	if (strlen(ind->code) < 3)
		return out;
	memcpy(div, ind->code, 3);
	div[3] = '\0';
	const struct cc_industry *d = cc_industry_find(div);
	if (d && d->name_en)
		snprintf(out, n, "%s (division %s)", d->name_en, div);
	return out;
}
