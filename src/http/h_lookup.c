/*
 * Look-ups for the web pickers: regions found by a name fragment or a code prefix, and every
 * chain node of the catalogue in one answer. The forms ask people for names ("驱动电机",
 * "武侯区") and send the API the codes it takes ("nev.motor", 510107); these routes are how the
 * browser turns one into the other without walking the region tree or all 33 chains.
 */
#include <stdio.h>
#include <string.h>
#include "base/json.h"
#include "base/parse.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "http/handlers.h"

/* A municipality's placeholder prefectures (市辖区, 县): never an answer of their own. */
static int placeholder(const struct cc_region *r)
{
	return r->level == 2 && (strcmp(r->name, "市辖区") == 0 || strcmp(r->name, "县") == 0);
}

/*
 * How well region R answers Q: 0 the name is Q, 1 the name starts with Q, 2 the name holds Q,
 * 3 the code starts with Q (digits); -1 no match.
 */
static int region_rank(const struct cc_region *r, const char *q, int digits)
{
	if (digits) {
		char code[16];
		snprintf(code, sizeof code, "%06d", r->code);
		return strncmp(code, q, strlen(q)) == 0 ? 3 : -1;
	}
	if (strcmp(r->name, q) == 0)
		return 0;
	if (strncmp(r->name, q, strlen(q)) == 0)
		return 1;
	return strstr(r->name, q) ? 2 : -1;
}

int h_region_search(struct http_req *req)
{
	const char *q = http_query(req, "q");
	if (!q || !*q || strlen(q) > 64)
		return http_error(
			req, 400, "invalid", "q", "请输入地区名称或代码（最多 64 字节）",
			"q must be a region name fragment or code prefix (1 to 64 bytes)");
	long long limit = 20;
	const char *v = http_query(req, "limit");
	if (v && *v && (cc_parse_int64(v, strlen(v), &limit) || limit < 1 || limit > 100))
		return http_error(req, 400, "invalid", "limit", "数量应为 1 到 100",
				  "limit must be 1 to 100");
	int digits = 1;
	for (const char *p = q; *p; p++)
		digits = digits && *p >= '0' && *p <= '9';
	if (digits && strlen(q) > 6)
		digits = 0; /* no region code has more than 6 digits: nothing will match */
	/* Best rank first, then provinces before prefectures before districts, then code order
	 * (the region table's order): four passes over ~3,200 rows. */
	json_t *a = json_array();
	int n = 0;
	for (int rank = 0; rank <= 3 && n < limit; rank++)
		for (int level = 1; level <= 3 && n < limit; level++)
			for (int i = 0; i < cc_region_count() && n < limit; i++) {
				const struct cc_region *r = cc_region_at(i);
				if (r->level != level || placeholder(r) ||
				    region_rank(r, q, digits) != rank)
					continue;
				char full[256];
				cc_region_fullname(r->code, full, sizeof full);
				json_array_append_new(a, json_pack("{s:i, s:s, s:i, s:i, s:s}",
								   "code", r->code, "name", r->name,
								   "level", r->level, "parent",
								   r->parent, "full_name", full));
				n++;
			}
	req->cacheable = 1;
	return http_json(req, 200, a);
}

int h_nodes(struct http_req *req)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	json_t *a = json_array();
	for (int i = 0; cat && i < cat->nnodes; i++) {
		const struct cc_node *nd = &cat->nodes[i];
		const struct cc_chain *ch = &cat->chains[nd->chain];
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "chain",
						   ch->id, "chain_name_zh", ch->name_zh,
						   "chain_name_en", ch->name_en, "id", nd->id,
						   "name_zh", nd->name_zh, "name_en", nd->name_en,
						   "depth", nd->depth));
	}
	req->cacheable = 1;
	return http_json(req, 200, a);
}
