/*
 * The JSON writer: JSON text straight into a bounded cc_buf, with the commas, quoting and
 * numbers done in one place (as git's json-writer.c), for output that is written once and never
 * inspected again — a CLI's --format json, an HTTP response built row by row. Strings go
 * through cc_buf_json_str (invalid UTF-8 becomes U+FFFD), numbers through cc_num_format
 * (shortest exact form; NaN and infinities as null).
 *
 * Use: cc_jw_init(&w, &buf); cc_jw_object(&w); cc_jw_key(&w, "n"); cc_jw_int(&w, 3);
 * cc_jw_end(&w); rc = cc_jw_finish(&w). Errors (a full buffer, unbalanced nesting, a value
 * where a key belongs) stick and are reported once by cc_jw_finish; the calls in between need
 * no checks. The writer owns nothing: the buffer is the caller's.
 */
#ifndef CC_BASE_JW_H
#define CC_BASE_JW_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "base/buf.h"

#define CC_JW_DEPTH 64

struct cc_jw {
	struct cc_buf *b;
	int depth;
	int failed;			  /* CC_ENOMEM or CC_EINVAL, sticky */
	unsigned char kind[CC_JW_DEPTH];  /* per level: '{' or '[' */
	unsigned char count[CC_JW_DEPTH]; /* per level: 0 nothing written yet, 1 something */
	int after_key;			  /* a key was written: the next call is its value */
};

/* Starts writing into B (appended to what B holds). */
void cc_jw_init(struct cc_jw *w, struct cc_buf *b);
/* Opens an object or an array (as a value: after a key, in an array, or at the top). */
void cc_jw_object(struct cc_jw *w);
void cc_jw_array(struct cc_jw *w);
/* Closes the innermost object or array. */
void cc_jw_end(struct cc_jw *w);
/* Writes a member's key inside an object; the next call writes its value. */
void cc_jw_key(struct cc_jw *w, const char *key);
/* Values. S NULL writes null; N bytes of S for cc_jw_strn. */
void cc_jw_str(struct cc_jw *w, const char *s);
void cc_jw_strn(struct cc_jw *w, const char *s, size_t n);
void cc_jw_num(struct cc_jw *w, double v);
void cc_jw_int(struct cc_jw *w, int64_t v);
void cc_jw_bool(struct cc_jw *w, int v);
void cc_jw_null(struct cc_jw *w);
/* Writes JSON text that is already valid (another writer's output) as one value. */
void cc_jw_raw(struct cc_jw *w, const char *json, size_t n);
/*
 * Writes the jansson value J (objects in their insertion order) as one value, its numbers
 * through cc_num_format: how a tree a handler built becomes text, so that every JSON the
 * platform sends is written here. NULL writes null.
 */
struct json_t;
void cc_jw_json(struct cc_jw *w, const struct json_t *j);
/* J as compact JSON text by cc_jw_json (malloc'd, the caller frees), or NULL. */
char *cc_jw_text(const struct json_t *j);
/* Prints J by cc_jw_json and a newline to FP. Returns 0 or a negative CC_E*. */
int cc_jw_print_json(const struct json_t *j, FILE *fp);
/* Key and value in one call. */
void cc_jw_kstr(struct cc_jw *w, const char *key, const char *s);
void cc_jw_knum(struct cc_jw *w, const char *key, double v);
void cc_jw_kint(struct cc_jw *w, const char *key, int64_t v);
void cc_jw_kbool(struct cc_jw *w, const char *key, int v);
/*
 * Returns 0 when everything was written and every object and array closed; CC_ENOMEM when
 * the buffer filled (or an allocation failed), CC_EINVAL for misuse (unbalanced, nesting deeper
 * than CC_JW_DEPTH, a value without its key in an object).
 */
int cc_jw_finish(struct cc_jw *w);
/*
 * Finishes W and, when it is whole, prints its buffer and a newline to FP. Returns what
 * cc_jw_finish returns (nothing is printed on an error).
 */
int cc_jw_print(struct cc_jw *w, FILE *fp);

#endif
