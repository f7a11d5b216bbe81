/*
 * Technology challenges (揭榜挂帅, issue 17 item 4): a challenge posted by the commission or a
 * master enterprise on a node and technology, with a budget (万元) and a deadline; applicants
 * ranked with the reason for every score component (data/innovation/challenge_weights.json:
 * inventions and patents in force under the node's IPC prefixes, platforms hosted that serve
 * the node, membership of the node or chain, registration in the scope); the award binds the
 * winner to milestones. Every write is audited (innov.challenge, innov.award).
 */
#ifndef CC_INNOV_CHALLENGE_H
#define CC_INNOV_CHALLENGE_H
#include <stdint.h>
#include "base/error.h"
#include "chain/chain.h"
#include "domain/catalogue.h"
#include "innov/innov.h"
#include "store/store.h"

struct innov_challenge_in {
	const char *title, *node, *technology, *deadline, *poster;
	double budget; /* 万元, >= 0; NaN for unknown */
};

/* Posts a challenge (NODE as chain.node) for ACTOR. Returns its id or CC_EINVAL with ERR. */
int64_t innov_challenge_post(struct cc_store *st, const struct cc_catalogue *cat,
			     const struct innov_challenge_in *in, const char *actor,
			     struct cc_error *err);

/*
 * Awards challenge ID to the registered enterprise USCC with MILESTONES (text, may be NULL) for
 * ACTOR. Returns 0, CC_ENOTFOUND (no such open challenge), or CC_EINVAL (unknown enterprise).
 */
int innov_challenge_award(struct cc_store *st, int64_t id, const char *uscc, const char *milestones,
			  const char *actor, struct cc_error *err);

#define INNOV_COMPONENTS 6
/* Component ids, in the weights file's order: inventions, patents, platform, membership,
 * local, text (the technology against the titles of the applicant's patents). */
extern const char *const innov_component_ids[INNOV_COMPONENTS];
/* Their Chinese names. */
extern const char *const innov_component_zh[INNOV_COMPONENTS];

struct innov_applicant {
	int64_t enterprise_id;
	double score;
	double value[INNOV_COMPONENTS];	 /* 0..1 */
	double weight[INNOV_COMPONENTS]; /* from the weights file */
	int64_t inventions, patents;	 /* in force under the node */
	char platform_level[16]; /* best level of a platform hosted serving the node, or "" */
	char role[16];		 /* master, core, member, chain (elsewhere on it) or "" */
	int local;		 /* registered in the scope */
	char matched[128];	 /* the technology's text found in its patents' titles, or "" */
};

/* The reason of component K of applicant A, in Chinese (ZH) and English (EN), N bytes each. */
void innov_applicant_reason(const struct innov_applicant *a, int k, char *zh, char *en, size_t n);

/*
 * Ranks the applicants of challenge ID as the matching engine ranks a posting-like demand
 * (match_demand_score / match_demand_cmp): every candidate scored, best first (ties by
 * enterprise id); the text component is the engine's match_text_share of the challenge's
 * technology against the titles of the candidate's patents (the best title), at most MAX into OUT
 * (malloc'd, the caller frees) and *N. P is the patents snapshot, M the IPC map, SCOPE the local
 * scope, YEAR the year patents are counted in force at the end of. Returns 0, CC_ENOTFOUND or
 * another negative CC_E*.
 */
int innov_challenge_rank(struct cc_store *st, const struct cc_catalogue *cat,
			 const struct innov_patents *p, const struct chain_scope *scope, int year,
			 int64_t id, int max, struct innov_applicant **out, int *n,
			 struct cc_error *err);

#endif
