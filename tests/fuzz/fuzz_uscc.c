/*
 * Fuzz target: credit-code validation never reads out of bounds, and whatever it accepts is
 * canonical (18 characters of the alphabet, a correct check character).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "domain/uscc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[19];
	int warn;
	struct cc_error err;
	char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (cc_uscc_validate(copy, size, out, &warn, &err) == 0) {
		if (strlen(out) != 18 || cc_uscc_check_char(out) != out[17])
			abort();
		for (int i = 0; i < 18; i++)
			if (!cc_uscc_char_ok(out[i]))
				abort();
		if (cc_uscc_region(out) < 0)
			abort();
	}
	free(copy);
	return 0;
}
