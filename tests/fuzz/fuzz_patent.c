/*
 * Fuzz target: patent application numbers and IPC codes never read out of bounds, and
 * whatever is accepted is canonical: an accepted number parses again to itself with a correct
 * check character, an accepted IPC code (or list) parses again to the same text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "domain/patent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_error err;
	struct cc_patent_no p, q;
	struct cc_ipc ipc, again;
	char list[256], list2[256];
	char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (cc_patent_no_parse(copy, size, &p, &err) == 0) {
		size_t n = strlen(p.canon);
		if (n != 14 && n != 10)
			abort();
		if (cc_patent_check_char(p.canon, n - 2) != p.canon[n - 1])
			abort();
		if (cc_patent_no_parse(p.canon, n, &q, &err) || strcmp(p.canon, q.canon) ||
		    p.year != q.year || p.kind != q.kind || !cc_patent_kind_id(p.kind))
			abort();
	}
	for (int prefix = 0; prefix < 2; prefix++)
		if (cc_ipc_parse(copy, size, prefix, &ipc, &err) == 0) {
			if (cc_ipc_parse(ipc.canon, strlen(ipc.canon), prefix, &again, &err) ||
			    strcmp(ipc.canon, again.canon))
				abort();
		}
	int k = cc_ipc_list_parse(copy, size, list, sizeof list, &err);
	if (k >= 0 && (cc_ipc_list_parse(list, strlen(list), list2, sizeof list2, &err) != k ||
		       strcmp(list, list2)))
		abort();
	free(copy);
	return 0;
}
