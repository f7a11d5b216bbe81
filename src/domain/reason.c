/*
 * Structured reasons rendered in the reader's language (reason.h): the table of codes with
 * their Chinese and English templates, and the renderer that fills in the parameters. A new
 * kind of reason is one line here and a json_pack where the engine decides.
 */
#include "domain/reason.h"
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include "base/error.h"

struct reason_template {
	const char *code;
	const char *text[2]; /* by enum cc_lang */
};

static const struct reason_template templates[] = {
	{"list.model_rank",
	 {"模型「{model}」排名第 {rank}，得分 {score}（0–100）",
	  "Rank {rank} in the model \"{model}\", score {score} (0–100)"}},
	{"list.dropped_out", {"模型重算未入选", "Dropped out of the model run"}},
};

static const struct reason_template *find_template(const char *code)
{
	for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)
		if (strcmp(templates[i].code, code) == 0)
			return &templates[i];
	return NULL;
}

/* The parsed object of a structured reason (the caller decrefs), or NULL for free text. */
static json_t *parse(const char *stored)
{
	if (!stored || stored[0] != '{')
		return NULL;
	json_t *j = json_loads(stored, 0, NULL);
	if (j && json_is_object(j) && json_is_string(json_object_get(j, "code")))
		return j;
	json_decref(j);
	return NULL;
}

/* Appends parameter V in LANG: a string, a number, or a {zh, en} pair. */
static int put_param(struct cc_buf *b, const json_t *v, enum cc_lang lang)
{
	if (json_is_string(v))
		return cc_buf_puts(b, json_string_value(v));
	if (json_is_integer(v))
		return cc_buf_printf(b, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v)) {
		char num[32];
		cc_num_format(json_real_value(v), 6, num, sizeof num);
		return cc_buf_puts(b, num);
	}
	if (json_is_object(v)) {
		const json_t *s = json_object_get(v, lang == CC_LANG_EN ? "en" : "zh");
		if (!json_is_string(s) || !*json_string_value(s))
			s = json_object_get(v, lang == CC_LANG_EN ? "zh" : "en");
		return json_is_string(s) ? cc_buf_puts(b, json_string_value(s)) : 0;
	}
	return 0;
}

int cc_reason_render(const char *stored, enum cc_lang lang, struct cc_buf *b)
{
	json_t *j = parse(stored);
	if (!j)
		return cc_buf_puts(b, stored ? stored : "");
	const char *code = json_string_value(json_object_get(j, "code"));
	const struct reason_template *tp = find_template(code);
	int rc = 0;
	if (!tp) {
		rc = cc_buf_puts(b, code);
		goto out;
	}
	for (const char *p = tp->text[lang == CC_LANG_EN]; *p && !rc;) {
		const char *close = p[0] == '{' ? strchr(p, '}') : NULL;
		if (!close) {
			rc = cc_buf_putc(b, *p++);
			continue;
		}
		char name[64];
		size_t n = (size_t)(close - p - 1);
		const json_t *v = NULL;
		if (n < sizeof name) {
			memcpy(name, p + 1, n);
			name[n] = '\0';
			v = json_object_get(j, name);
		}
		rc = v ? put_param(b, v, lang) : cc_buf_append(b, p, (size_t)(close - p + 1));
		p = close + 1;
	}
out:
	json_decref(j);
	return rc;
}

int cc_reason_code(const char *stored, char *code, size_t cap)
{
	json_t *j = parse(stored);
	if (!j)
		return 0;
	const char *c = json_string_value(json_object_get(j, "code"));
	int known = find_template(c) != NULL;
	if (known && code && cap)
		snprintf(code, cap, "%s", c);
	json_decref(j);
	return known;
}

int cc_reason_json_set(json_t *obj, const char *stored)
{
	struct cc_buf zh = CC_BUF_INIT(64 * 1024), en = CC_BUF_INIT(64 * 1024);
	int rc = cc_reason_render(stored, CC_LANG_ZH, &zh);
	if (!rc)
		rc = cc_reason_render(stored, CC_LANG_EN, &en);
	if (!rc && (json_object_set_new(obj, "reason", json_string(cc_buf_str(&zh))) ||
		    json_object_set_new(obj, "reason_zh", json_string(cc_buf_str(&zh))) ||
		    json_object_set_new(obj, "reason_en", json_string(cc_buf_str(&en)))))
		rc = CC_ENOMEM;
	cc_buf_release(&zh);
	cc_buf_release(&en);
	return rc;
}
