/*
 * Reasons the engine gives for what it decided (why an enterprise is on a list, why it left
 * one), kept as a code with parameters so that each reader gets them in their own language:
 * the engine stores the structured reason, and the API, the CLI and the exports render it.
 *
 * A structured reason is JSON text, {"code":"list.model_rank","rank":1,"score":0.57,...}; a
 * parameter is a string, a number, or a pair {"zh":"…","en":"…"} (a model's or a chain's
 * name) chosen by language. The templates of the codes sit in reason.c, one line per code,
 * each in Chinese and English. Anything else — a reason a person typed, a reason stored as
 * free text before the codes — renders as it is, in both languages.
 */
#ifndef CC_DOMAIN_REASON_H
#define CC_DOMAIN_REASON_H
#include "base/buf.h"

enum cc_lang { CC_LANG_ZH = 0, CC_LANG_EN = 1 };

/*
 * Appends STORED (NULL reads as "") in LANG to B: a structured reason through its code's
 * template, anything else as it is. A placeholder whose parameter is missing is left as
 * "{name}"; a code without a template renders as its code. Returns 0 or CC_ENOMEM.
 */
int cc_reason_render(const char *stored, enum cc_lang lang, struct cc_buf *b);

/*
 * Returns 1 when STORED is a structured reason of a known code, and copies the code into CODE
 * (CAP bytes, may be NULL); 0 for free text.
 */
int cc_reason_code(const char *stored, char *code, size_t cap);

/*
 * Sets the members reason_zh and reason_en of the JSON object OBJ to STORED rendered in each
 * language, and reason to the Chinese (what clients read before there were two): how every
 * reason reaches the API, so that a page picks its language as it does a name. Returns 0, or
 * CC_ENOMEM with OBJ unchanged.
 */
struct json_t;
int cc_reason_json_set(struct json_t *obj, const char *stored);

#endif
