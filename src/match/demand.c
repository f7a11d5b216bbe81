/*
 * Posting-like demands (match.h): the engine's score, order and explanation for candidates a
 * caller gathered itself (a 揭榜挂帅 challenge's applicants, innov/challenge.c), so that they
 * rank and read like a posting's matches.
 */
#include <math.h>
#include "match/match.h"

double match_demand_score(const double *weight, const double *value, int ncomp)
{
	double sc = 0;
	for (int k = 0; k < ncomp; k++)
		sc += weight[k] * value[k];
	/* As match_rank: round to 1e-9 so that sums in a different order cannot flip a tie. */
	return round(sc * 1e9) / 1e9;
}

int match_demand_cmp(double sa, int64_t ida, double sb, int64_t idb)
{
	if (sa != sb)
		return sa > sb ? -1 : 1;
	return (ida > idb) - (ida < idb);
}

json_t *match_demand_part(const char *component, const char *name_zh, double value, double weight,
			  const char *reason_zh, const char *reason_en)
{
	json_t *o = json_object();
	json_object_set_new(o, "component", json_string(component));
	json_object_set_new(o, "name_zh", json_string(name_zh));
	json_object_set_new(o, "value", isfinite(value) ? json_real(value) : json_null());
	json_object_set_new(o, "weight", json_real(weight));
	json_object_set_new(o, "contribution",
			    isfinite(value) ? json_real(weight * value) : json_null());
	json_object_set_new(o, "reason_zh", json_string(reason_zh));
	json_object_set_new(o, "reason_en", json_string(reason_en));
	return o;
}
