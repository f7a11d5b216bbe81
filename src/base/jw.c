/*
 * The JSON writer (see jw.h): separators and nesting tracked per level, strings and numbers by
 * the shared cc_buf helpers, the first error kept.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "base/error.h"
#include "base/jw.h"

void cc_jw_init(struct cc_jw *w, struct cc_buf *b)
{
	memset(w, 0, sizeof *w);
	w->b = b;
}

static void fail(struct cc_jw *w, int rc)
{
	if (!w->failed)
		w->failed = rc;
}

static void put(struct cc_jw *w, const char *s, size_t n)
{
	if (!w->failed && cc_buf_append(w->b, s, n))
		fail(w, CC_ENOMEM);
}

/* Before a value: the comma in an array, nothing after a key; a value in an object without
 * its key is misuse. */
static void before_value(struct cc_jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->kind[w->depth - 1] == '{') {
		fail(w, CC_EINVAL);
		return;
	}
	if (w->count[w->depth - 1])
		put(w, ",", 1);
	w->count[w->depth - 1] = 1;
}

static void jw_open(struct cc_jw *w, char c)
{
	before_value(w);
	if (w->depth >= CC_JW_DEPTH) {
		fail(w, CC_EINVAL);
		return;
	}
	put(w, &c, 1);
	w->kind[w->depth] = (unsigned char)c;
	w->count[w->depth] = 0;
	w->depth++;
}

void cc_jw_object(struct cc_jw *w)
{
	jw_open(w, '{');
}

void cc_jw_array(struct cc_jw *w)
{
	jw_open(w, '[');
}

void cc_jw_end(struct cc_jw *w)
{
	if (w->depth == 0 || w->after_key) {
		fail(w, CC_EINVAL);
		return;
	}
	w->depth--;
	put(w, w->kind[w->depth] == '{' ? "}" : "]", 1);
}

void cc_jw_key(struct cc_jw *w, const char *key)
{
	if (w->depth == 0 || w->kind[w->depth - 1] != '{' || w->after_key) {
		fail(w, CC_EINVAL);
		return;
	}
	if (w->count[w->depth - 1])
		put(w, ",", 1);
	w->count[w->depth - 1] = 1;
	if (!w->failed && cc_buf_json_str(w->b, key, strlen(key)))
		fail(w, CC_ENOMEM);
	put(w, ":", 1);
	w->after_key = 1;
}

void cc_jw_strn(struct cc_jw *w, const char *s, size_t n)
{
	before_value(w);
	if (!s)
		put(w, "null", 4);
	else if (!w->failed && cc_buf_json_str(w->b, s, n))
		fail(w, CC_ENOMEM);
}

void cc_jw_str(struct cc_jw *w, const char *s)
{
	cc_jw_strn(w, s, s ? strlen(s) : 0);
}

void cc_jw_num(struct cc_jw *w, double v)
{
	before_value(w);
	if (!w->failed && cc_buf_num(w->b, v))
		fail(w, CC_ENOMEM);
}

void cc_jw_int(struct cc_jw *w, int64_t v)
{
	char t[24];
	before_value(w);
	int n = snprintf(t, sizeof t, "%" PRId64, v);
	put(w, t, (size_t)n);
}

void cc_jw_bool(struct cc_jw *w, int v)
{
	before_value(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void cc_jw_null(struct cc_jw *w)
{
	before_value(w);
	put(w, "null", 4);
}

void cc_jw_raw(struct cc_jw *w, const char *json, size_t n)
{
	before_value(w);
	put(w, json, n);
}

void cc_jw_json(struct cc_jw *w, const json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;
	switch (j ? json_typeof(j) : JSON_NULL) {
	case JSON_OBJECT:
		cc_jw_object(w);
		json_object_foreach((json_t *)j, key, v)
		{
			cc_jw_key(w, key);
			cc_jw_json(w, v);
		}
		cc_jw_end(w);
		break;
	case JSON_ARRAY:
		cc_jw_array(w);
		json_array_foreach(j, i, v) cc_jw_json(w, v);
		cc_jw_end(w);
		break;
	case JSON_STRING: cc_jw_strn(w, json_string_value(j), json_string_length(j)); break;
	case JSON_INTEGER: cc_jw_int(w, (int64_t)json_integer_value(j)); break;
	case JSON_REAL: cc_jw_num(w, json_real_value(j)); break;
	case JSON_TRUE: cc_jw_bool(w, 1); break;
	case JSON_FALSE: cc_jw_bool(w, 0); break;
	default: cc_jw_null(w); break;
	}
}

char *cc_jw_text(const json_t *j)
{
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 30);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	cc_jw_json(&w, j);
	if (cc_jw_finish(&w) || !b.data) {
		cc_buf_release(&b);
		return NULL;
	}
	return cc_buf_detach(&b);
}

int cc_jw_print_json(const json_t *j, FILE *fp)
{
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 30);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	cc_jw_json(&w, j);
	int rc = cc_jw_print(&w, fp);
	cc_buf_release(&b);
	return rc;
}

void cc_jw_kstr(struct cc_jw *w, const char *key, const char *s)
{
	cc_jw_key(w, key);
	cc_jw_str(w, s);
}

void cc_jw_knum(struct cc_jw *w, const char *key, double v)
{
	cc_jw_key(w, key);
	cc_jw_num(w, v);
}

void cc_jw_kint(struct cc_jw *w, const char *key, int64_t v)
{
	cc_jw_key(w, key);
	cc_jw_int(w, v);
}

void cc_jw_kbool(struct cc_jw *w, const char *key, int v)
{
	cc_jw_key(w, key);
	cc_jw_bool(w, v);
}

int cc_jw_finish(struct cc_jw *w)
{
	if (!w->failed && (w->depth != 0 || w->after_key))
		w->failed = CC_EINVAL;
	return w->failed;
}

int cc_jw_print(struct cc_jw *w, FILE *fp)
{
	int rc = cc_jw_finish(w);
	if (rc == 0) {
		fputs(cc_buf_str(w->b), fp);
		fputc('\n', fp);
	}
	return rc;
}
