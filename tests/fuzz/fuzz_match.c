/*
 * Fuzz target: the text side of matching (match/posting.c). Any bytes as a title or query:
 * cutting into terms, dropping buy/sell words, building the FTS5 query, parsing a region
 * preference list. Nothing reads out of bounds; every FTS5 query built is a list of quoted
 * trigrams joined by OR (no syntax from the input can leak through) and valid UTF-8.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/text.h"
#include "match/match_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	struct match_term t[MATCH_MAX_TERMS];
	int n = match_terms(text, t, MATCH_MAX_TERMS);
	for (int k = 0; k < n; k++)
		if (t[k].chars < 1 || strlen(t[k].text) >= sizeof t[k].text)
			abort();

	char topic[1024], q[512];
	match_strip_stopwords(text, topic, sizeof topic);
	if (strlen(topic) >= sizeof topic)
		abort();
	int nq = match_query_build(topic, q, sizeof q);
	size_t ql = strlen(q);
	if (nq == 0 && ql != 0)
		abort();
	if (cc_utf8_valid_prefix((const unsigned char *)q, ql) != ql)
		abort();
	/* "…" OR "…" OR …: quotes balanced, nothing outside quotes but " OR ". */
	int quotes = 0;
	for (size_t i = 0; i < ql; i++) {
		if (q[i] == '"')
			quotes++;
		else if (!(quotes & 1) && !(memcmp(q + i, " OR ", 4) == 0 && (i += 3, 1)))
			abort();
	}
	if (quotes != 2 * nq)
		abort();

	char regions[256];
	struct cc_error err;
	if (match_regions_parse(text, regions, sizeof regions, &err) == 0 &&
	    strlen(regions) >= sizeof regions)
		abort();
	free(text);
	return 0;
}
