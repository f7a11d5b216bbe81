/*
 * The CLI of a standards-based self-assessment (assess/assess.h), one code path for each
 * standard's (`chainchief digital model|show|assess|summary`, `chainchief green
 * factory-model|factory|factory-assess|factory-summary`); messages start with STD->cli.
 */
#ifndef CC_CLI_CLI_ASSESS_H
#define CC_CLI_CLI_ASSESS_H
#include "assess/assess.h"
#include "cli/commands.h"

struct cc_frame;
struct cc_jw;

/* STD's model, with the code lists and the catalogue loaded; NULL after printing why. */
const void *cli_assess_model(const struct assess_std *std);
/* Opens the store, builds a registry frame (*F, released by the caller) and finds USCC: its
 * row, or -1 after printing why. */
int cli_assess_find(struct cli_ctx *ctx, const struct assess_std *std, const char *uscc,
		    struct cc_frame **f);
/*
 * SUB USCC --year YEAR --answers FILE: FILE (the API's PUT body) parsed by STD, saved for
 * USCC and YEAR with the audit row in one transaction, then SHOW prints the enterprise's
 * assessments. A CLI_* code.
 */
int cli_assess_save(struct cli_ctx *ctx, const struct assess_std *std, const char *sub,
		    const char *uscc, const char *year, const char *answers,
		    int (*show)(struct cli_ctx *ctx, const void *m, struct cc_frame *f, int i));
/* Writes STD's roll-up of --year YEAR and --region REGION (each NULL when not given) into W.
 * CLI_OK, or a CLI_* code after printing why. */
int cli_assess_summary(struct cli_ctx *ctx, const struct assess_std *std, const char *year,
		       const char *region, struct cc_jw *w);

#endif
