/*
 * libFuzzer target for the cell parsers that take numbers: cc_parse_number, cc_parse_int64,
 * cc_trim / cc_is_blank. The input is copied to an exact-size heap block so that any read past
 * the given length is caught by AddressSanitizer. A parsed number must be finite.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	if (!s)
		return 0;
	if (size)
		memcpy(s, data, size);
	struct cc_error err;
	double v;
	if (cc_parse_number(s, size, &v, &err) == 0 && !isfinite(v))
		abort();
	long long i;
	(void)cc_parse_int64(s, size, &i);
	const char *t = s;
	size_t n = size;
	cc_trim(&t, &n);
	if (t < s || t + n > s + size)
		abort();
	if (cc_is_blank(s, size) != (n == 0))
		abort();
	free(s);
	return 0;
}
