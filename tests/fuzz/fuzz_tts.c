/*
 * libFuzzer target for risk/tts: the readers of `chainchief risk tts` and, on what they
 * accept, the programmes. The first byte chooses a path:
 *   0 (mod 4): the rest is a nodes file, read before a fixed edges file;
 *   1: the rest is an edges file over fixed nodes S1, S2, P, D;
 *   2: the rest is a nodes file, a NUL byte, then an edges file; when both read, are acyclic,
 *      small (<= 16 nodes) and their numbers moderate (<= 1e6; units 1e-3 to 1e3), every
 *      single-node disruption is solved;
 *   3: the rest is an inventory/capacity override file.
 * Promises checked: no crash; an error always carries a message naming the file; a solved
 * scenario has tts >= 0 (or none), a finite lost margin >= 0, and 0 <= rei <= 1 with rei = 1
 * for the largest loss; no demand anywhere means every tts is none and nothing is lost.
 */
#include <glpk.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "risk/tts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_nodes[] = "id,kind,capacity,inventory,demand,margin\n"
				  "S1,supplier,,0,0,0\nS2,supplier,3,0,0,0\nP,plant,10,6,0,0\n"
				  "D,product,,20,10,5\n";
static const char fixed_edges[] = "from,to,material,units\nS1,P,m,1\nS2,P,m,1\nP,D,p,1\n";

static void check_error(int rc, const struct cc_error *err, const char *name)
{
	if (rc < 0 && (err->msg[0] == '\0' || !strstr(err->msg, name)))
		abort();
}

static int moderate(const struct tts_model *m)
{
	if (m->nnodes > 16)
		return 0;
	for (int j = 0; j < m->nnodes; j++) {
		const struct tts_node *n = &m->nodes[j];
		if ((isfinite(n->capacity) && n->capacity > 1e6) || n->inventory > 1e6 ||
		    n->demand > 1e6 || n->margin > 1e6)
			return 0;
	}
	for (int e = 0; e < m->nedges; e++)
		if (m->edges[e].units < 1e-3 || m->edges[e].units > 1e3)
			return 0;
	return 1;
}

static void solve(const struct tts_model *m)
{
	struct tts_scenario *sc = NULL;
	struct cc_error err = {0};
	if (tts_evaluate_all(m, 2.5, &sc, &err)) {
		if (err.msg[0] == '\0')
			abort();
		return;
	}
	int demand = 0, top = 0;
	double max = 0;
	for (int j = 0; j < m->nnodes; j++)
		demand |= m->nodes[j].demand > 0;
	for (int j = 0; j < m->nnodes; j++) {
		if (sc[j].disrupted != j || !(sc[j].tts >= 0) || !isfinite(sc[j].lost) ||
		    sc[j].lost < 0 || !(sc[j].rei >= 0) || sc[j].rei > 1 + 1e-12)
			abort();
		if (!demand && (!isinf(sc[j].tts) || sc[j].lost != 0))
			abort();
		if (sc[j].lost > max)
			max = sc[j].lost;
		top |= sc[j].rei == 1;
	}
	if (max > 0 && !top)
		abort();
	free(sc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tts_model m;
	struct cc_error err = {0};
	int rc;
	if (size < 1)
		return 0;
	const char *p = (const char *)data + 1;
	size_t n = size - 1;
	tts_model_init(&m);
	switch (data[0] % 4) {
	case 0:
		rc = tts_parse_nodes(&m, p, n, "n.csv", &err);
		check_error(rc, &err, "n.csv");
		if (rc == 0) {
			rc = tts_parse_edges(&m, fixed_edges, sizeof fixed_edges - 1, "e.csv",
					     &err);
			check_error(rc, &err, "e.csv");
		}
		break;
	case 1:
		rc = tts_parse_nodes(&m, fixed_nodes, sizeof fixed_nodes - 1, "n.csv", &err);
		if (rc)
			abort();
		rc = tts_parse_edges(&m, p, n, "e.csv", &err);
		check_error(rc, &err, "e.csv");
		if (rc == 0 && tts_model_check(&m, "e.csv", &err) == 0 && moderate(&m))
			solve(&m);
		break;
	case 2: {
		const char *nul = memchr(p, '\0', n);
		size_t k = nul ? (size_t)(nul - p) : n;
		rc = tts_parse_nodes(&m, p, k, "n.csv", &err);
		check_error(rc, &err, "n.csv");
		if (rc == 0) {
			rc = tts_parse_edges(&m, nul ? nul + 1 : "", nul ? n - k - 1 : 0, "e.csv",
					     &err);
			check_error(rc, &err, "e.csv");
		}
		if (rc == 0) {
			rc = tts_model_check(&m, "e.csv", &err);
			if (rc && err.msg[0] == '\0')
				abort();
		}
		if (rc == 0 && moderate(&m))
			solve(&m);
		break;
	}
	case 3: {
		struct tts_override *ov = NULL;
		int nov = 0;
		rc = tts_overrides_parse(p, n, "o.csv", &ov, &nov, &err);
		check_error(rc, &err, "o.csv");
		if (rc == 0 && nov > 0 && (!ov || strlen(ov[0].uscc) != 18))
			abort();
		free(ov);
		break;
	}
	}
	tts_model_release(&m);
	return 0;
}
