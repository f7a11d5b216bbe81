/*
 * 一企一策 cases: one enterprise's needs (finance, land, talent, permits, technology, market)
 * tracked to resolution, with an owner department, a deadline, a status that moves open ->
 * in_progress -> resolved / declined, and comments. Every write also lands in the audit log.
 *
 * The reads live here too, so the CLI (`case list|show|departments`) and the API
 * (`/api/v1/cases…`) ask the same questions in the same words: a filtered list, one case, its
 * comments, and the per-department view.
 *
 * The overdue rule, stated once: a case is overdue when its status is open or in_progress and
 * it has a deadline earlier than today's date (UTC, SQLite's date('now')). A case without a
 * deadline is never overdue; a deadline of today is not overdue yet. cases.c holds the rule
 * as one SQL expression that every list, view and count uses.
 *
 * Ownership: what a read returns is malloc'd and belongs to the caller, who frees it with the
 * matching release or free function (each accepts NULL).
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

/* One case as the reads return it. Strings are malloc'd; NULL where the store holds NULL. */
struct case_row {
	int64_t id;
	char *uscc, *name; /* the enterprise's credit code and name */
	char *kind, *title, *detail, *department, *owner;
	char *deadline; /* YYYY-MM-DD, or NULL */
	char *status, *created_at;
	int overdue; /* 1 when the overdue rule (above) holds today, else 0 */
};

/* Frees R's strings and zeroes it (R may be NULL). */
void case_row_release(struct case_row *r);
/* Releases N rows of ROWS and frees the array (ROWS may be NULL). */
void case_rows_free(struct case_row *rows, int n);

/* What case_list selects. NULL or "" in a text field: any. */
struct case_filter {
	const char *status, *department;
	const char *uscc; /* compared upper-cased, so a lower-case code finds its cases */
	int overdue;	  /* 1: overdue cases only */
	int limit;	  /* at most this many rows; 0: all */
};

/*
 * Lists the cases F selects (F NULL: all), earliest deadline first, cases without a deadline
 * last, then by id. Returns 0 with *OUT (free with case_rows_free; NULL when none) and *N, or
 * CC_EDB / CC_EBUSY / CC_ENOMEM with the reason in ERR (*OUT NULL, *N 0).
 */
int case_list(struct cc_store *st, const struct case_filter *f, struct case_row **out, int *n,
	      struct cc_error *err);

/*
 * Reads case ID into *OUT (release with case_row_release). Returns 0, CC_ENOTFOUND ("no case
 * N") or a store error in ERR; on failure *OUT is zeroed.
 */
int case_get(struct cc_store *st, int64_t id, struct case_row *out, struct cc_error *err);

/* One comment of a case; FROM and TO are the status change it recorded, else NULL. */
struct case_comment_row {
	char *at, *actor, *text, *from, *to;
};

/* Frees N comments of ROWS and the array (ROWS may be NULL). */
void case_comments_free(struct case_comment_row *rows, int n);

/*
 * Reads the comments of case ID, oldest first. Returns 0 with *OUT (free with
 * case_comments_free; NULL when none) and *N, or a store error in ERR. A case that does not
 * exist simply has no comments (call case_get first to tell the two apart).
 */
int case_comments_list(struct cc_store *st, int64_t id, struct case_comment_row **out, int *n,
		       struct cc_error *err);

/* The per-department view: counts by status, overdue ones, and the time cases took to close. */
struct case_department {
	char *department;
	int64_t open, in_progress, overdue, resolved, declined;
	double avg_days_to_close; /* mean days from creation to close, to 0.1 day; NaN if none */
};

/* Frees N departments of ROWS and the array (ROWS may be NULL). */
void case_departments_free(struct case_department *rows, int n);

/*
 * Reads one row per department that owns a case, in department order. Returns 0 with *OUT
 * (free with case_departments_free; NULL when there are no cases) and *N, or a store error.
 */
int case_departments(struct cc_store *st, struct case_department **out, int *n,
		     struct cc_error *err);

#endif
