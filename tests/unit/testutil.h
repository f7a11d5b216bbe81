/*
 * Helpers shared by the unit tests.
 */
#ifndef CC_TESTS_TESTUTIL_H
#define CC_TESTS_TESTUTIL_H
#include <stdio.h>
#include "domain/uscc.h"
#include "io/import.h"

/*
 * Writes into OUT a valid credit code (GB 32100 check character, GB 11714 organisation-code
 * check) registered in REGION, unique for SERIAL (0..999999).
 */
static inline void tu_uscc(char out[19], int region, int serial)
{
	snprintf(out, 19, "91%06dMA%06d", region, serial);
	out[16] = cc_orgcode_check_char(out + 8);
	out[17] = cc_uscc_check_char(out);
	out[18] = '\0';
}

/*
 * Writes TEXT to DIR/NAME and imports it into ST (kind from the header); the test fails
 * unless every row loads. Include after <cmocka.h>.
 */
static inline void tu_load(struct cc_store *st, const char *dir, const char *name, const char *text)
{
	char p[256];
	struct cc_import_opts o = {0};
	struct cc_import_result res;
	struct cc_error err = {0};
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	o.kind = CC_KIND_AUTO;
	int rc = cc_import_file(st, p, &o, &res, &err);
	if (rc)
		print_error("%s: %s (%lld rejected)\n", name, err.msg, (long long)res.rejected);
	assert_int_equal(rc, 0);
	cc_import_result_release(&res);
}

#endif
