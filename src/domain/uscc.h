/*
 * Unified social credit codes (统一社会信用代码), GB 32100-2015: 18 characters from a
 * 31-character alphabet (no I, O, S, V, Z), the last a check character over the first 17;
 * characters 9-17 are the GB 11714 organisation code, whose own check is the 17th.
 */
#ifndef CC_DOMAIN_USCC_H
#define CC_DOMAIN_USCC_H
#include <stddef.h>
#include "base/error.h"

#define CC_USCC_LEN 18

/*
 * Checks the code at S (N bytes, surrounding spaces trimmed by the caller or not). Lowercase
 * letters are accepted and normalised: on success OUT (19 bytes) holds the canonical
 * upper-case code. *ORG_WARN (may be NULL) is set to 1 when the embedded organisation code's
 * check (GB 11714) fails, which the standard's own registrars tolerate for old codes, so it
 * is a warning, not an error. Returns 0, or CC_EINVAL with the reason (length, character and
 * position, region digits, check character expected vs found) in ERR.
 */
int cc_uscc_validate(const char *s, size_t n, char out[19], int *org_warn, struct cc_error *err);

/* Returns the check character for the 17 characters at S, or 0 if one is not in the alphabet. */
char cc_uscc_check_char(const char *s17);

/* Returns the GB 11714 check character for the 8 characters at S, or 0 if one is invalid. */
char cc_orgcode_check_char(const char *s8);

/* Returns the 6-digit region code in positions 3-8 of a valid code, or -1. */
int cc_uscc_region(const char *uscc);

/* Returns 1 if C is in the USCC alphabet (upper case only). */
int cc_uscc_char_ok(char c);

#endif
