/*
 * libFuzzer target for dates and periods: cc_parse_date, cc_parse_period and
 * cc_format_date. The input lives in an exact-size heap block (reads past the length are
 * caught); an accepted date must be a real calendar date that formats and parses back to
 * itself, and an accepted period must be in range.
 */
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
	int ymd, y, m;
	if (cc_parse_date(s, size, &ymd, &err) == 0) {
		char out[11];
		int back;
		if (ymd < 18000101 || ymd > 22001231)
			abort();
		cc_format_date(ymd, out);
		if (cc_parse_date(out, 10, &back, &err) != 0 || back != ymd)
			abort();
	}
	if (cc_parse_period(s, size, &y, &m, &err) == 0) {
		if (y < 1900 || y > 2200 || m < 0 || m > 12)
			abort();
	}
	free(s);
	return 0;
}
