/*
 * Listing coordination (上市服务, issue 17 item 5): institutions (securities firms, funds), an
 * enterprise's consent to be shown to investors, the listing progress of the reserve firms
 * (股改 → 辅导备案 → 申报受理 → 审核问询 → 注册 → 上市, or withdrawn; store migration 25), the
 * investors' interest and counselling engagements, the coordination body's funnel and the
 * stalled cases opened as 一企一策 cases.
 *
 * The reserve: the enterprises on the latest version of every list built on the
 * listing_reserve model (lists/). What an investor may see is decided in one place,
 * listing.c's VISIBLE condition: a reserve firm whose consent is granted. Every read and
 * write here takes INSTITUTION: 0 for staff (the whole reserve), an institution id for an
 * investor (consenting firms only; another firm is "not found", so its existence does not
 * leak).
 *
 * Names of stages and boards, the stalled months and the cases' department are data
 * (data/listing/listing.json). Writes are audited (listing.consent, listing.stage,
 * listing.engage, listing.institution, listing.stalled).
 *
 * Ownership: returned json_t values belong to the caller (json_decref).
 */
#ifndef CC_LISTING_LISTING_H
#define CC_LISTING_LISTING_H
#include <stdint.h>
#include <jansson.h>
#include "base/error.h"
#include "store/store.h"

/* The stage ids in order (the funnel's order), withdrawn last; LISTING_NSTAGES of them. */
#define LISTING_NSTAGES 7
extern const char *const listing_stages[LISTING_NSTAGES];
/* Returns the index of stage id S in listing_stages, or -1. */
int listing_stage_index(const char *s);
/* Returns 1 when B is a board id (main, star, gem, bse, neeq). */
int listing_board_ok(const char *b);

/* The names of the stages and boards ({stages:[{id, zh, en}], boards:[…]}, from
 * data/listing/listing.json), or NULL with ERR. */
json_t *listing_names(struct cc_error *err);

/*
 * Registers an institution NAME of KIND (securities, fund, bank, other). Returns 0 and *ID,
 * CC_EINVAL (empty name, unknown kind) or CC_EEXIST (name taken). Audited.
 */
int listing_institution_add(struct cc_store *st, const char *name, const char *kind,
			    const char *actor, int64_t *id, struct cc_error *err);
/* The institutions: [{id, name, kind}] by id, or NULL with ERR. */
json_t *listing_institutions(struct cc_store *st, struct cc_error *err);

/*
 * Grants (GRANTED 1) or withdraws (0) the consent of enterprise USCC to be shown to investors.
 * The caller decides who may (the enterprise itself). Returns 0, CC_ENOTFOUND (unknown
 * enterprise) or CC_EDB. Audited with the state before and after.
 */
int listing_consent(struct cc_store *st, const char *uscc, int granted, const char *actor,
		    struct cc_error *err);

/* A stage change (listing_progress_set). BOARD and SPONSOR (0) keep the current ones. */
struct listing_move {
	const char *uscc, *stage;
	const char *date;  /* YYYY-MM-DD the stage was reached; NULL: today (UTC) */
	const char *board; /* NULL: unchanged */
	int64_t sponsor;   /* an institution id; 0: unchanged */
	const char *actor;
};

/*
 * Records that a reserve firm reached a stage (or changes its board or sponsor). Returns 0,
 * CC_ENOTFOUND (unknown enterprise, not on the reserve, unknown sponsor) or CC_EINVAL (stage,
 * board, date). Audited (listing.stage, before and after); the stage's date is kept in the
 * history.
 */
int listing_progress_set(struct cc_store *st, const struct listing_move *m, struct cc_error *err);

/*
 * The reserve as INSTITUTION may see it (0: all of it): [{uscc, name, region, district, list,
 * tier, chains, consent, stage, since, board, sponsor, engagements}] by credit code, where
 * engagements are an investor's own institution's (staff: all). NULL with ERR on failure.
 */
json_t *listing_reserve(struct cc_store *st, int64_t institution, struct cc_error *err);

/*
 * One reserve firm as INSTITUTION may see it, with its stage history. Returns NULL and
 * CC_ENOTFOUND in ERR when it is not on the reserve or (investor) has not consented.
 */
json_t *listing_firm(struct cc_store *st, const char *uscc, int64_t institution,
		     struct cc_error *err);

/*
 * Registers INSTITUTION's interest or counselling engagement (KIND) in reserve firm USCC,
 * which must be visible to it (CC_ENOTFOUND otherwise). Registering the same kind again
 * updates the note. Returns 0 or a negative CC_E*. Audited.
 */
int listing_engage(struct cc_store *st, int64_t institution, const char *uscc, const char *kind,
		   const char *note, const char *actor, struct cc_error *err);

/*
 * The coordination body's funnel over the reserve: {total, by_stage:[{stage, count}] (the
 * firms without progress under "none"), by_board, by_chain:[{chain, stages:{…}, total}],
 * by_district:[{region, name, stages:{…}, total}], stages, boards (names from the data
 * file), stalled_months}. NULL with ERR on failure.
 */
json_t *listing_funnel(struct cc_store *st, struct cc_error *err);

/*
 * The funnel over time: how many reserve firms stood at each stage at each of the MONTHS
 * (1-120; <= 0: 24) month-ends up to TODAY (YYYY-MM-DD; NULL: today), the current month's point
 * being TODAY itself. A firm's stage at a date is the last one listing_stages holds on or before
 * it (the later stage in the funnel's order when two share a date), "none" before its first;
 * the firms are the reserve as it is now (its past versions are not replayed). Returns {today,
 * months:["YYYY-MM"…], dates:["YYYY-MM-DD"…], total, series:[{stage, counts:[…]}] (none, then
 * the stages in order, withdrawn last; each month's counts add up to total), stages (names)},
 * or NULL with ERR (a bad date or month count).
 */
json_t *listing_funnel_history(struct cc_store *st, int months, const char *today,
			       struct cc_error *err);

/*
 * The stalled firms: progress neither listed nor withdrawn whose stage date is MONTHS (<= 0:
 * the data file's) or more months before TODAY (YYYY-MM-DD; NULL: today). With OPEN, opens a
 * 一企一策 case (kind finance) for each that has no open or in-progress case from this rule
 * (one open case per enterprise: calling again opens nothing new). Returns {months, today,
 * stalled:[{uscc, name, stage, since, case, opened}], opened}, or NULL with ERR.
 */
json_t *listing_stalled(struct cc_store *st, int months, const char *today, int open,
			const char *actor, struct cc_error *err);

/*
 * Demo data (chainchief demo): two institutions (a securities firm, a fund) marked （演示）; when
 * no list is built on the listing_reserve model, a list 上市后备库（演示） of up to 24 unlisted
 * 专精特新 or high-tech firms (one manual version); on it, consent from every other firm and
 * listing progress of sixteen, at every stage, some of them stalled, sponsored by the
 * securities firm; the fund's interest in two. Not audited (no user wrote it). Returns 0 or a
 * negative CC_E*.
 */
int listing_demo(struct cc_store *st, struct cc_error *err);

#endif
