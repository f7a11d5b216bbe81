/*
 * The district map's figures (chain_areas, chain.h): a scope's firms, output, growth and a
 * chain's missing links by area — Chongqing's districts and counties, elsewhere prefecture-
 * level cities (cc_region_area). One pass over the frame's arrays, counted as the dashboard
 * and the chain page count, so the areas add up to the totals those pages show.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "chain/chain.h"

/* Whether area AREA and SCOPE share a code: one inside the other (spans are nested). */
static int area_overlaps(const struct chain_scope *scope, int area)
{
	for (int i = 0; i < scope->n; i++)
		if (cc_region_within(area, scope->codes[i]) ||
		    cc_region_within(scope->codes[i], area))
			return 1;
	return 0;
}

static int cmp_area(const void *a, const void *b)
{
	int x = ((const struct chain_area *)a)->code, y = ((const struct chain_area *)b)->code;
	return (x > y) - (x < y);
}

/* The areas overlapping SCOPE, zeroed, in code order (the region list is in code order). */
static int list_areas(const struct chain_scope *scope, int chain, struct chain_area **out, int *n,
		      struct cc_error *err)
{
	int cap = 0;
	*out = NULL;
	*n = 0;
	for (int i = 0; i < cc_region_count(); i++) {
		int code = cc_region_at(i)->code;
		if (cc_region_area(code) != code || !area_overlaps(scope, code))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			struct chain_area *g = realloc(*out, sizeof **out * (size_t)cap);
			if (!g)
				return cc_error_set(err, CC_ENOMEM, "out of memory");
			*out = g;
		}
		struct chain_area *a = &(*out)[(*n)++];
		memset(a, 0, sizeof *a);
		a->code = code;
		a->missing = chain >= 0 ? 0 : -1;
	}
	return 0;
}

/* Adds enterprise I's figures of YEAR (columns NOW and PREV, either may be NULL) to A. */
static void add_firm(struct chain_area *a, const double *now, const double *prev, int i)
{
	double o = now ? now[i] : NAN, o1 = prev ? prev[i] : NAN;
	a->enterprises++;
	if (!isnan(o))
		a->output += o;
	if (!isnan(o) && !isnan(o1)) {
		a->growth_now += o;
		a->growth_prev += o1;
	}
}

/* The area entry of region REGION: one of AREAS (N), else UNPLACED. */
static struct chain_area *area_of(struct chain_area *areas, int n, struct chain_area *unplaced,
				  int region)
{
	struct chain_area key = {.code = cc_region_area(region)};
	struct chain_area *a =
		key.code ? bsearch(&key, areas, (size_t)n, sizeof *areas, cmp_area) : NULL;
	return a ? a : unplaced;
}

/*
 * A chain's members: each distinct member in scope counted in its area, and in COVERED (a
 * row of NN bytes per area, UNPLACED last) every node holding a member there and the node's
 * ancestors, which then hold one below them.
 */
static void chain_members(const struct cc_frame *f, const struct cc_catalogue *cat, int chain,
			  const struct chain_scope *scope, const double *now, const double *prev,
			  struct chain_area *areas, int n, struct chain_area *unplaced,
			  unsigned char *covered, char *seen)
{
	int first = cat->chains[chain].first_node, nn = cat->chains[chain].nnodes;
	for (int node = first; node < first + nn; node++)
		for (int p = f->node_start[node]; p < f->node_start[node + 1]; p++) {
			int i = f->node_ent[p];
			if (!chain_scope_has(scope, f->region[i]))
				continue;
			struct chain_area *a = area_of(areas, n, unplaced, f->region[i]);
			if (!seen[i])
				add_firm(a, now, prev, i);
			seen[i] = 1;
			unsigned char *row =
				covered + (size_t)(a == unplaced ? n : a - areas) * (size_t)nn;
			for (int k = node; k >= 0 && !row[k - first]; k = cat->nodes[k].parent)
				row[k - first] = 1;
		}
	for (int k = 0; k < n; k++) {
		areas[k].missing = 0;
		for (int j = 0; j < nn; j++)
			areas[k].missing += !covered[(size_t)k * (size_t)nn + (size_t)j];
	}
}

int chain_areas(const struct cc_frame *f, int chain, const struct chain_scope *scope, int year,
		struct chain_area **areas, int *n, struct chain_area *unplaced,
		struct cc_error *err)
{
	const struct cc_catalogue *cat = NULL;
	unsigned char *covered = NULL;
	char *seen = NULL;
	int rc = 0;
	memset(unplaced, 0, sizeof *unplaced);
	unplaced->missing = -1;
	if (chain >= 0) {
		cat = cc_catalogue_get(err);
		if (!cat)
			return CC_EINVAL;
		if (chain >= cat->nchains)
			return cc_error_set(err, CC_ENOTFOUND, "no chain %d", chain);
	}
	rc = list_areas(scope, chain, areas, n, err);
	if (rc)
		goto out;
	year = year ? year : cc_frame_latest_year(f);
	const double *now = cc_frame_annual(f, CC_M_OUTPUT_VALUE, year);
	const double *prev = cc_frame_annual(f, CC_M_OUTPUT_VALUE, year - 1);
	if (chain < 0) {
		for (int i = 0; i < f->n; i++)
			if (chain_scope_has(scope, f->region[i]))
				add_firm(area_of(*areas, *n, unplaced, f->region[i]), now, prev, i);
	} else {
		size_t nn = (size_t)cat->chains[chain].nnodes;
		covered = calloc(((size_t)*n + 1) * nn + 1, 1);
		seen = calloc((size_t)f->n + 1, 1);
		if (!covered || !seen) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		chain_members(f, cat, chain, scope, now, prev, *areas, *n, unplaced, covered, seen);
	}
	for (int k = 0; k <= *n; k++) {
		struct chain_area *a = k < *n ? &(*areas)[k] : unplaced;
		a->yoy = a->growth_prev > 0 ? a->growth_now / a->growth_prev - 1 : NAN;
	}
out:
	if (rc) {
		free(*areas);
		*areas = NULL;
		*n = 0;
	}
	free(covered);
	free(seen);
	return rc;
}
