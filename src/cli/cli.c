/*
 * The dispatcher: global options, the command table, help. Global options may stand before or
 * after the command words (`chainchief --db x.db summary` = `chainchief summary --db x.db`).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "base/builtin.h"
#include "base/parse.h"
#include "cli/cli.h"
#include "cli/commands.h"

#define CC_VERSION "0.1.0"

const struct cli_command cli_commands[] = {
#define CMD(name, usage, summary, help) {#name, cmd_##name, usage, summary, help},
#include "cli/commands.def"
#undef CMD
	{NULL, NULL, NULL, NULL, NULL},
};

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("chainchief: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_usage(const char *usage)
{
	fprintf(stderr, "usage: chainchief %s\n", usage);
}

const struct cli_command *cli_find(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void cli_print_help(const struct cli_command *cmd)
{
	printf("usage: chainchief %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->help && *cmd->help)
		printf("\n%s\n", cmd->help);
	printf("\nGlobal options: --db PATH (default ./chainchief.db, or $CHAINCHIEF_DB), "
	       "--format table|json|csv, --data DIR.\n");
}

static void print_overview(void)
{
	printf("chainchief %s: the chain-chief platform (链长制产业链平台)\n\n"
	       "usage: chainchief [--db PATH] [--format table|json|csv] [--data DIR] COMMAND "
	       "[ARGS]\n\ncommands:\n",
	       CC_VERSION);
	for (const struct cli_command *c = cli_commands; c->name; c++)
		printf("  %-12s %s\n", c->name, c->summary);
	printf("\n'chainchief COMMAND --help' explains one command.\n"
	       "Exit status: 0 ok, 1 usage error, 2 failure, 3 done with rejected rows.\n");
}

int cmd_help(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find("help");
	const char *pos[1];
	int npos;
	int rc = cli_parse(cmd, argc, argv, NULL, NULL, pos, 1, &npos);
	(void)ctx;
	if (rc)
		return rc;
	if (npos) {
		const struct cli_command *c = cli_find(pos[0]);
		if (!c) {
			cli_error("unknown command '%s'", pos[0]);
			cli_usage(cmd->usage);
			return CLI_USAGE;
		}
		cli_print_help(c);
		return CLI_OK;
	}
	print_overview();
	return CLI_OK;
}

int cmd_version(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *pos[1];
	int npos;
	int rc = cli_parse(cli_find("version"), argc, argv, NULL, NULL, pos, 0, &npos);
	if (rc)
		return rc;
	if (ctx->format == CLI_FMT_JSON) {
		struct cc_buf b = CC_BUF_INIT(4096);
		struct cc_jw w;
		cc_jw_init(&w, &b);
		cc_jw_object(&w);
		cc_jw_kstr(&w, "version", CC_VERSION);
		cc_jw_kint(&w, "builtin_files", cc_builtin_count);
		cc_jw_end(&w);
		cc_jw_print(&w, stdout);
		cc_buf_release(&b);
	} else
		printf("chainchief %s\n", CC_VERSION);
	return CLI_OK;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv, const struct cli_option *opts,
	      const char **values, const char **pos, int maxpos, int *npos)
{
	const char *extra = NULL;
	*npos = 0;
	for (int i = 0; opts && opts[i].name; i++)
		values[i] = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++) {
				extra = argv[i];
				if (*npos >= maxpos)
					goto too_many;
				pos[(*npos)++] = argv[i];
			}
			break;
		}
		if (a[0] == '-' && a[1] == '-' && a[2]) {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			int found = -1;
			for (int k = 0; opts && opts[k].name; k++)
				if (strlen(opts[k].name) == len &&
				    strncmp(opts[k].name, name, len) == 0)
					found = k;
			if (found < 0) {
				cli_error("%s: unknown option '%s'", cmd->name, a);
				goto usage;
			}
			if (opts[found].has_arg) {
				if (eq) {
					values[found] = eq + 1;
				} else if (i + 1 < argc) {
					values[found] = argv[++i];
				} else {
					cli_error("%s: option '--%s' needs a value", cmd->name,
						  opts[found].name);
					goto usage;
				}
			} else {
				if (eq) {
					cli_error("%s: option '--%s' takes no value", cmd->name,
						  opts[found].name);
					goto usage;
				}
				values[found] = "1";
			}
			continue;
		}
		extra = a;
		if (*npos >= maxpos)
			goto too_many;
		pos[(*npos)++] = a;
	}
	return 0;
too_many:
	cli_error("%s: unexpected argument '%s'%s", cmd->name, extra,
		  maxpos == 0 ? " (it takes none)" : "");
usage:
	cli_usage(cmd->usage);
	return CLI_USAGE;
}

/* Prints the subcommand words of SUBS as "a, b or c" after MSG. */
static void list_words(const char *msg, const struct cli_sub *subs)
{
	int n = 0;
	for (const struct cli_sub *s = subs; s->name; s++)
		if (s->name[0])
			n++;
	fprintf(stderr, "chainchief: %s", msg);
	for (const struct cli_sub *s = subs; s->name; s++) {
		if (!s->name[0])
			continue;
		n--;
		fprintf(stderr, "%s%s", s->name, n > 1 ? ", " : n == 1 ? " or " : ")\n");
	}
}

int cli_dispatch(struct cli_ctx *ctx, const struct cli_command *cmd, const struct cli_sub *subs,
		 const struct cli_option *opts, int argc, char **argv)
{
	const char *val[CLI_MAX_OPTS] = {0};
	const char **pos = calloc((size_t)argc + 1, sizeof *pos);
	const struct cli_sub *sub = NULL;
	int npos = 0, rc;
	char usage[512], name[64];
	int nopts = 0;
	while (opts && opts[nopts].name)
		nopts++;
	if (!pos || nopts > CLI_MAX_OPTS) {
		cli_error("%s: %s", cmd->name,
			  pos ? "too many options in its table" : "out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	rc = cli_parse(cmd, argc, argv, opts, val, pos, argc, &npos);
	if (rc)
		goto out;
	const char *word = npos ? pos[0] : "";
	for (const struct cli_sub *s = subs; s->name && !sub; s++)
		if (strcmp(s->name, word) == 0)
			sub = s;
	if (!sub) {
		char msg[160];
		if (npos)
			snprintf(msg, sizeof msg, "%s: unknown subcommand '%s' (", cmd->name, word);
		else
			snprintf(msg, sizeof msg, "%s: name a subcommand (", cmd->name);
		list_words(msg, subs);
		cli_usage(cmd->usage);
		rc = CLI_USAGE;
		goto out;
	}
	snprintf(usage, sizeof usage, "%s %s", cmd->name, sub->usage);
	snprintf(name, sizeof name, "%s%s%s", cmd->name, sub->name[0] ? " " : "", sub->name);
	int nargs = npos ? npos - 1 : 0;
	if (nargs > sub->max_args) {
		cli_error("%s: unexpected argument '%s'", name, pos[1 + sub->max_args]);
		cli_usage(usage);
		rc = CLI_USAGE;
		goto out;
	}
	if (nargs < sub->min_args) {
		cli_error("%s: missing argument%s", name, sub->min_args - nargs > 1 ? "s" : "");
		cli_usage(usage);
		rc = CLI_USAGE;
		goto out;
	}
	for (int i = 0; opts && opts[i].name; i++) {
		if (val[i] && !(sub->opts & CLI_OPT(i))) {
			cli_error("%s: option '--%s' does not apply here", name, opts[i].name);
			cli_usage(usage);
			rc = CLI_USAGE;
			goto out;
		}
	}
	rc = sub->fn(ctx, val, pos + (npos ? 1 : 0), nargs);
out:
	free(pos);
	return rc;
}

long long cli_int_option(const char *name, const char *value, long long min, long long max)
{
	long long v;
	if (cc_parse_int64(value, strlen(value), &v) || v < min || v > max) {
		cli_error("option '--%s' must be a whole number from %lld to %lld, not '%s'", name,
			  min, max, value);
		return -1;
	}
	return v;
}

int cli_open_store(struct cli_ctx *ctx, int create)
{
	struct cc_error err = {0};
	if (ctx->store)
		return CLI_OK;
	if (cc_store_open(&ctx->store, ctx->db_path, create ? CC_STORE_CREATE : 0, &err)) {
		cli_error("%s", err.msg);
		return CLI_FAIL;
	}
	return CLI_OK;
}

int cli_main(int argc, char **argv)
{
	struct cli_ctx ctx = {0};
	char **rest = calloc((size_t)argc + 1, sizeof *rest);
	int nrest = 0, rc = CLI_OK, want_help = 0;
	if (!rest)
		return CLI_FAIL;
	ctx.db_path = getenv("CHAINCHIEF_DB");
	if (!ctx.db_path || !*ctx.db_path)
		ctx.db_path = "./chainchief.db";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		int opt = 0;
		if (strncmp(a, "--db", 4) == 0 && (a[4] == '\0' || a[4] == '='))
			opt = 1;
		else if (strncmp(a, "--format", 8) == 0 && (a[8] == '\0' || a[8] == '='))
			opt = 2;
		else if (strncmp(a, "--data", 6) == 0 && (a[6] == '\0' || a[6] == '='))
			opt = 3;
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			want_help = 1;
			continue;
		}
		if (!opt) {
			rest[nrest++] = argv[i];
			continue;
		}
		const char *eq = strchr(a, '=');
		if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			cli_error("option '%s' needs a value", a);
			rc = CLI_USAGE;
			goto out;
		}
		if (opt == 1) {
			ctx.db_path = val;
		} else if (opt == 2) {
			ctx.format_given = 1;
			if (strcmp(val, "table") == 0)
				ctx.format = CLI_FMT_TABLE;
			else if (strcmp(val, "json") == 0)
				ctx.format = CLI_FMT_JSON;
			else if (strcmp(val, "csv") == 0)
				ctx.format = CLI_FMT_CSV;
			else {
				cli_error("unknown format '%s' (table, json or csv)", val);
				rc = CLI_USAGE;
				goto out;
			}
		} else {
			ctx.data_dir = val;
			cc_data_set_dir(val);
		}
	}
	if (nrest == 0) {
		print_overview();
		rc = want_help ? CLI_OK : CLI_USAGE;
		goto out;
	}
	const struct cli_command *cmd = cli_find(rest[0]);
	if (!cmd) {
		cli_error("unknown command '%s' (see 'chainchief help')", rest[0]);
		fprintf(stderr,
			"usage: chainchief [--db PATH] [--format table|json|csv] [--data DIR] "
			"COMMAND [ARGS]\n");
		rc = CLI_USAGE;
		goto out;
	}
	if (want_help) {
		cli_print_help(cmd);
		goto out;
	}
	rc = cmd->fn(&ctx, nrest, rest);
out:
	cc_store_close(ctx.store);
	free(rest);
	return rc;
}
