/*
 * Helpers shared by the unit tests.
 */
#ifndef CC_TESTS_TESTUTIL_H
#define CC_TESTS_TESTUTIL_H
#include <stdio.h>
#include "domain/uscc.h"

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

#endif
