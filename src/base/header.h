/*
 * Column headers: the one rule by which a header cell of an analyst's file (or a row label
 * that plays a header's part) names an expected column. The importer, the TTS network files
 * and the MCDA decision matrix all match their headers through it, so a header that one of
 * them reads every other reads too.
 *
 * The rule: a cell and a name are normalised the same way and match when the normal forms are
 * equal. The normal form drops a leading UTF-8 byte-order mark, trims ASCII white space and
 * U+3000 from both ends, drops a unit in parentheses — everything from the first '(' or '（'
 * on, unless the cell begins with it ("营业收入（万元）" is "营业收入"), then trims again —,
 * lower-cases ASCII letters and turns ASCII spaces and hyphens into underscores ("Main Revenue",
 * "main-revenue" and "main_revenue" are one header). Chinese names are compared byte for
 * byte after that: an English id and its Chinese aliases are simply several names.
 */
#ifndef CC_BASE_HEADER_H
#define CC_BASE_HEADER_H
#include <stddef.h>

/*
 * Writes the normal form of S[0..N) into OUT (CAP bytes, NUL-terminated, cut at CAP - 1
 * bytes; CAP must be at least 1). Returns its length. The normal form of a normal form is
 * itself.
 */
size_t cc_header_norm(const char *s, size_t n, char *out, size_t cap);

/* Returns 1 when S[0..N) names NAME (a NUL-terminated id or alias), else 0. */
int cc_header_is(const char *s, size_t n, const char *name);

/*
 * Returns the index of the first of NAMES that S[0..N) names, or -1. NAMES ends at a NULL
 * entry or after COUNT entries, whichever comes first (COUNT < 0: only the NULL ends it).
 */
int cc_header_find(const char *s, size_t n, const char *const *names, int count);

#endif
