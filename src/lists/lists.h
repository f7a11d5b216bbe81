/*
 * Cultivation lists (培育名单): named lists of enterprises with a tier each, kept as immutable,
 * numbered versions (store migration 3). A version comes from a model run (eval/model) or is a
 * copy of the previous version with manual changes (add, remove, change tier), each with a
 * mandatory reason. Every new version writes an audit row. Diffs between versions, the history
 * of one enterprise across lists, and an XLSX export in the form a commission circulates.
 *
 * Reruns: `lists_version_from_model` on an existing list takes every enterprise the model tiers,
 * with the model's tier, score, rank and reason, except that
 *   - an enterprise whose entry in the previous version is manual (a manual addition or tier
 *     change) keeps its manual tier and reason, with the model's new score and rank when the
 *     model still selects it; manual additions are kept until removed by hand;
 *   - an enterprise removed by hand (a list_exits row in an earlier version) and not added back
 *     stays out, even when the model selects it again: a removal is a decision, not a score.
 *
 * Ownership: every struct filled by a function here is released with its _release function
 * (which accepts a zeroed struct); strings inside are owned by the struct.
 */
#ifndef CC_LISTS_LISTS_H
#define CC_LISTS_LISTS_H
#include <stdint.h>
#include "base/error.h"
#include "frame/frame.h"
#include "store/store.h"

enum list_change_t { LIST_ADD = 1, LIST_REMOVE = 2, LIST_TIER = 3 };

/* One entry of a version. */
struct list_entry {
	int64_t enterprise_id;
	char uscc[19]; /* "" when the enterprise has left the registry */
	char tier[32]; /* the model's tier id */
	double score;  /* NaN for a manual addition */
	int rank;      /* 0 for a manual addition */
	int manual;    /* 1: added or re-tiered by hand */
	char *reason;  /* never NULL once read */
	char *name;    /* registry name ("" when gone) */
	int region;    /* GB/T 2260 code, 0 when gone */
	char *chains;  /* comma-separated chain ids of the enterprise ("" none) */
};

/* An enterprise a version removes by hand, with the reason (for lists_version_write). */
struct list_exit {
	int64_t enterprise_id;
	const char *reason;
};

struct list_version {
	int64_t id;
	char list[104], model[64];
	int number, year, manual; /* manual: 1 for a version of manual changes */
	char created_at[32], actor[64];
	char *note; /* "" when none */
	int n;
	struct list_entry *e;
};

/* A change for lists_version_manual. TIER is unused for LIST_REMOVE. */
struct list_change {
	int kind; /* enum list_change_t */
	const char *uscc, *tier, *reason;
};

/* One line of a diff: entered (old_tier ""), exited (new_tier "") or changed tier. */
struct list_diff_item {
	int kind; /* LIST_ADD entered, LIST_REMOVE exited, LIST_TIER changed */
	char uscc[19];
	char *name;
	char old_tier[32], new_tier[32];
	char *reason; /* the newer version's reason, the removal reason, or "dropped out ..." */
};

struct list_diff {
	int n, entered, exited, changed;
	struct list_diff_item *items; /* entered, then exited, then changed; each by uscc */
};

/* One line of an enterprise's history: status "entered", "kept", "changed" or "exited". */
struct list_history_item {
	char list[104];
	int version;
	char created_at[32], status[12], tier[32];
	char *reason;
};

struct list_history {
	int n;
	struct list_history_item *items;
};

/*
 * Writes a new version of list NAME holding E (N entries; each needs enterprise_id, tier,
 * score, rank, manual and reason) and the manual removals X (NX, may be 0), in one
 * transaction with its audit row (action "list.version", after = JSON counts entered /
 * exited / changed against the previous version). Creates the list with MODEL when it does
 * not exist (MODEL must then be non-NULL; otherwise it is ignored). MANUAL marks the version's
 * source. *NUMBER (may be NULL) gets the version number. Returns 0, CC_EINVAL (a manual entry
 * or removal without a reason, an empty name) or CC_EDB. Nothing is consumed.
 */
/*
 * The rule for a new list's name: 1 to 100 characters of UTF-8, no leading or trailing space,
 * no "/" or control characters, not "." or ".." (the name is a segment of its web address,
 * /api/v1/lists/{list}: a "/" made a list nobody could open). Returns 0 or CC_EINVAL with
 * the reason. Lists named before the rule keep their names.
 */
int lists_name_check(const char *name, struct cc_error *err);

int lists_version_write(struct cc_store *st, const char *name, const char *model, int manual,
			int year, const struct list_entry *e, int n, const struct list_exit *x,
			int nx, const char *actor, const char *note, int *number,
			struct cc_error *err);

/*
 * Runs the model and writes a version of list NAME from it. CREATE: the list must not exist
 * (CC_EEXIST) and MODEL names the model; otherwise the list must exist (CC_ENOTFOUND) and its
 * own model is run (MODEL ignored) with the rerun rules above. YEAR <= 0: the latest. F is the
 * frame of ST. Returns 0 and the version number in *NUMBER, or a negative CC_E* (CC_ENOTFOUND
 * for an unknown model; CC_EINVAL when the model tiers nobody).
 */
int lists_version_from_model(struct cc_store *st, const struct cc_frame *f, const char *name,
			     const char *model, int create, int year, const char *actor,
			     const char *note, int *number, struct cc_error *err);

/*
 * Writes a version of list NAME: the latest version with the N changes applied in order.
 * Every change needs a non-empty reason (CC_EINVAL naming the credit code); the credit code
 * must be in the registry (CC_ENOTFOUND); an addition must not be on the list (CC_EEXIST), a
 * removal or tier change must be (CC_ENOTFOUND); a tier must be one of the model's
 * (CC_EINVAL listing them). Nothing is written unless every change is valid.
 */
int lists_version_manual(struct cc_store *st, const char *name, const struct list_change *ch, int n,
			 const char *actor, const char *note, int *number, struct cc_error *err);

/*
 * Reads version NUMBER (<= 0: the latest) of list NAME with its entries (by rank, manual
 * additions last, then credit code). Returns 0, or CC_ENOTFOUND naming the list or version.
 */
int lists_version_read(struct cc_store *st, const char *name, int number, struct list_version *v,
		       struct cc_error *err);
void lists_version_release(struct list_version *v);

/*
 * The versions of list NAME (entries not read: n is their count, e is NULL), oldest first, in
 * *OUT (malloc'd array of *COUNT; free each with lists_version_release, then the array).
 */
int lists_versions(struct cc_store *st, const char *name, struct list_version **out, int *count,
		   struct cc_error *err);

/* The names of all lists, as rows of a version header (number = latest version). Same
 * ownership as lists_versions. */
int lists_all(struct cc_store *st, struct list_version **out, int *count, struct cc_error *err);

/*
 * The changes from version FROM to version TO of list NAME (FROM < TO usually, any order is
 * accepted and compared as given). Returns 0 or CC_ENOTFOUND.
 */
int lists_diff(struct cc_store *st, const char *name, int from, int to, struct list_diff *d,
	       struct cc_error *err);
void lists_diff_release(struct list_diff *d);

/*
 * The history of the enterprise USCC: every version of every list it was on or left, oldest
 * first per list. Returns 0 (possibly with no items), or CC_ENOTFOUND when the code is not in
 * the registry (an enterprise that has left the registry cannot be looked up by code).
 */
int lists_history(struct cc_store *st, const char *uscc, struct list_history *h,
		  struct cc_error *err);
void lists_history_release(struct list_history *h);

/*
 * Writes version V as an XLSX workbook at PATH for circulation: a title row, the header
 * 序号, 企业名称, 统一社会信用代码, 所在地区, 产业链, 梯队 tier, 得分, 入选理由 in bold, one row
 * per entry, column widths. Needs the codes and catalogue loaded. Returns 0 or CC_EIO.
 */
int lists_export_xlsx(const struct list_version *v, const char *path, struct cc_error *err);

#endif
