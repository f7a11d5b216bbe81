/*
 * 一企一策 cases: one enterprise's needs (finance, land, talent, permits, technology, market)
 * tracked to resolution, with an owner department, a deadline, a status that moves open ->
 * in_progress -> resolved / declined, and comments. Every write also lands in the audit log.
 */
#ifndef CC_CASES_CASES_H
#define CC_CASES_CASES_H
#include <stdint.h>
#include "base/error.h"
#include "store/store.h"

/* Returns 1 when KIND is finance, land, talent, permits, technology or market. */
int case_kind_ok(const char *kind);
/* Returns the Chinese name of a kind or status ("融资", "进行中" ...), or the word itself. */
const char *case_word_zh(const char *word);

/*
 * Whether a case may move from status FROM to status TO: open -> in_progress, declined or
 * resolved; in_progress -> resolved or declined (back to open is refused: say why in a
 * comment and open a new case). Returns 1 or 0.
 */
int case_transition_ok(const char *from, const char *to);

struct case_new {
	const char *uscc, *kind, *title, *detail, *department, *owner;
	const char *deadline; /* YYYY-MM-DD or NULL */
	const char *actor;
};

/*
 * Opens a case. Returns 0 and *ID, or CC_EINVAL / CC_ENOTFOUND with the reason (unknown
 * enterprise, kind, empty title or department, bad deadline) in ERR.
 */
int case_open(struct cc_store *st, const struct case_new *c, int64_t *id, struct cc_error *err);

/* Moves case ID to status TO with a comment (required). Returns 0 or CC_EINVAL/CC_ENOTFOUND. */
int case_move(struct cc_store *st, int64_t id, const char *to, const char *comment,
	      const char *actor, struct cc_error *err);

/* Adds a comment. Returns 0 or CC_EINVAL / CC_ENOTFOUND. */
int case_comment(struct cc_store *st, int64_t id, const char *text, const char *actor,
		 struct cc_error *err);

#endif
