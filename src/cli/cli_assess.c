/*
 * The self-assessment commands shared by `chainchief digital` and `chainchief green factory…`
 * (see cli_assess.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "cli/cli_assess.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "frame/frame.h"

const void *cli_assess_model(const struct assess_std *std)
{
	struct cc_error err = {0};
	const void *m = NULL;
	if (cc_codes_load(&err) || !cc_catalogue_get(&err) || !(m = std->model(&err)))
		cli_error("%s: %s", std->cli, err.msg);
	return m;
}

/* Opens the store and builds a registry frame into *F; a CLI_* code. */
static int open_frame(struct cli_ctx *ctx, const struct assess_std *std, struct cc_frame **f)
{
	struct cc_error err = {0};
	if (cli_open_store(ctx, 0))
		return CLI_FAIL;
	if (cc_frame_build(ctx->store, CC_FRAME_REGISTRY, f, &err)) {
		cli_error("%s: %s", std->cli, err.msg);
		return CLI_FAIL;
	}
	return CLI_OK;
}

int cli_assess_find(struct cli_ctx *ctx, const struct assess_std *std, const char *uscc,
		    struct cc_frame **f)
{
	if (open_frame(ctx, std, f))
		return -1;
	int i = cc_frame_find(*f, uscc);
	if (i < 0)
		cli_error("%s: no enterprise with credit code '%s'", std->cli, uscc);
	return i;
}

int cli_assess_save(struct cli_ctx *ctx, const struct assess_std *std, const char *sub,
		    const char *uscc, const char *year, const char *answers,
		    int (*show)(struct cli_ctx *ctx, const void *m, struct cc_frame *f, int i))
{
	struct cc_frame *f = NULL;
	struct cc_error err = {0};
	long long y;
	if (!year || !answers) {
		cli_error("%s: %s needs --year and --answers FILE.json", std->cli, sub);
		return CLI_USAGE;
	}
	if ((y = cli_int_option("year", year, 1900, 2200)) < 0)
		return CLI_USAGE;
	const void *m = cli_assess_model(std);
	if (!m)
		return CLI_FAIL;
	json_error_t je;
	json_t *body = json_load_file(answers, JSON_REJECT_DUPLICATES, &je);
	if (!body) {
		cli_error("%s: '%s': line %d: %s", std->cli, answers, je.line, je.text);
		return CLI_FAIL;
	}
	void *a = calloc(1, std->record_size);
	char field[96] = "";
	int rc = a ? std->parse_body(m, body, a, field, &err)
		   : cc_error_set(&err, CC_ENOMEM, "out of memory");
	json_decref(body);
	if (rc) {
		cli_error("%s: '%s': %s%s%s", std->cli, answers, field, *field ? ": " : "",
			  err.msg);
		free(a);
		return CLI_FAIL;
	}
	*(int *)a = (int)y; /* the record's first member */
	int i = cli_assess_find(ctx, std, uscc, &f);
	if (i < 0) {
		rc = CLI_FAIL;
		goto out;
	}
	char target[64];
	snprintf(target, sizeof target, "%s/%lld", f->uscc[i], y);
	rc = cc_store_begin(ctx->store, &err);
	if (rc == 0)
		rc = std->save(ctx->store, m, f->id[i], a, "cli", &err);
	if (rc == 0)
		rc = cc_store_audit(ctx->store, "cli", std->audit, target, NULL, NULL, &err);
	if (rc == 0)
		rc = cc_store_commit(ctx->store, &err);
	else
		cc_store_rollback(ctx->store);
	if (rc) {
		cli_error("%s: %s", std->cli, err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	rc = show(ctx, m, f, i);
out:
	free(a);
	cc_frame_release(f);
	return rc;
}

int cli_assess_summary(struct cli_ctx *ctx, const struct assess_std *std, const char *year,
		       const char *region, struct cc_jw *w)
{
	long long y = 0, r = 0;
	if (year && (y = cli_int_option("year", year, 1900, 2200)) < 0)
		return CLI_USAGE;
	if (region && (r = cli_int_option("region", region, 1, 999999)) < 0)
		return CLI_USAGE;
	struct cc_frame *f = NULL;
	struct cc_error err = {0};
	const void *m = cli_assess_model(std);
	if (!m || open_frame(ctx, std, &f)) {
		cc_frame_release(f);
		return CLI_FAIL;
	}
	int rc = CLI_OK;
	if (std->write_summary(w, ctx->store, f, m, (int)y, (int)r, NULL, &err)) {
		cli_error("%s: %s", std->cli, err.msg);
		rc = CLI_FAIL;
	}
	cc_frame_release(f);
	return rc;
}
