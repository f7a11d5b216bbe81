/*
 * Innovation platforms and consortia (issue 17, item 3): the registries and their coverage of
 * the chain nodes. A platform (制造业创新中心, 技术创新中心, 重点实验室, 企业技术中心 …) serves
 * some nodes; a consortium (创新联合体) targets one node and technology. Coverage: per node the
 * platforms serving it and the consortia targeting it; a node with neither is a gap.
 */
#ifndef CC_INNOV_PLATFORM_H
#define CC_INNOV_PLATFORM_H
#include <stdint.h>
#include "base/buf.h"
#include "base/error.h"
#include "domain/catalogue.h"
#include "store/store.h"

/* Kinds and levels as stored, with their Chinese names (same order). */
extern const char *const innov_platform_kinds[];
extern const char *const innov_platform_kinds_zh[];
#define INNOV_PLATFORM_NKINDS 9
extern const char *const innov_platform_levels[];
extern const char *const innov_platform_levels_zh[];
#define INNOV_PLATFORM_NLEVELS 3
extern const char *const innov_consortium_statuses[];
extern const char *const innov_consortium_statuses_zh[];
#define INNOV_CONSORTIUM_NSTATUSES 4

/* Returns the index of WORD (an id or its Chinese name) in IDS / ZH (N entries), or -1. */
int innov_word(const char *word, const char *const *ids, const char *const *zh, int n);

/*
 * Resolves the node list S ("chain.node" or unambiguous bare node ids, separated by ';' or
 * ',') into OUT (appended) as canonical "chain.node;chain.node". Returns 0, or CC_EINVAL with
 * ERR naming the reference that does not resolve. The registries' importer (io/import.c) and
 * innov_platform_put share it.
 */
int innov_nodes_canon(const struct cc_catalogue *cat, const char *s, struct cc_buf *out,
		      struct cc_error *err);

/* A platform to register (strings borrowed; NULL for none). */
struct innov_platform_in {
	const char *name, *kind, *level;
	const char *host;  /* a credit code of a registered enterprise, or an institution */
	const char *nodes; /* "chain.node;chain.node" (bare node ids that are unambiguous) */
	const char *recognised, *reviewed; /* YYYY-MM-DD */
};

/*
 * Registers (or, by name, updates) platform IN for ACTOR, audited as innov.platform. Kind and
 * level may be ids or Chinese names; every node must resolve in CAT; the host is looked up as a
 * credit code first. ACTOR NULL writes no audit row (the demo's data, like its imports).
 * Returns the platform id, or CC_EINVAL with ERR naming the field.
 */
int64_t innov_platform_put(struct cc_store *st, const struct cc_catalogue *cat,
			   const struct innov_platform_in *in, const char *actor,
			   struct cc_error *err);

/* A consortium to register (strings borrowed). */
struct innov_consortium_in {
	const char *name;
	const char *leader;  /* credit code of a registered enterprise */
	const char *members; /* credit codes or institution names joined by ';' */
	const char *node;    /* chain.node */
	const char *technology, *milestones, *status;
};

/* As innov_platform_put, for consortia (audited innov.consortium). */
int64_t innov_consortium_put(struct cc_store *st, const struct cc_catalogue *cat,
			     const struct innov_consortium_in *in, const char *actor,
			     struct cc_error *err);

/* Per node: how many platforms serve it and consortia target it. */
struct innov_coverage {
	int platforms, consortia;
	int national; /* platforms of the national level among them */
};

/*
 * Fills OUT[node] (CAT->nnodes entries) from the registries. Returns 0 or a negative CC_E*.
 */
int innov_coverage(struct cc_store *st, const struct cc_catalogue *cat, struct innov_coverage *out,
		   struct cc_error *err);

/*
 * Demo registries (chainchief demo): an enterprise technology centre hosted by each chain's
 * first master for its nodes, four named municipal platforms and three consortia, all marked
 * （演示）; not audited (no user wrote them). Returns 0 or a negative CC_E*.
 */
int innov_registries_demo(struct cc_store *st, const struct cc_catalogue *cat,
			  struct cc_error *err);

#endif
