/*
 * Small jansson helpers shared by the API and the command line.
 */
#ifndef CC_BASE_JSON_H
#define CC_BASE_JSON_H
#include <math.h>
#include <jansson.h>

/* V as a JSON number, or null when unknown (NaN) or infinite (jansson refuses those). */
static inline json_t *cc_json_num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

#endif
