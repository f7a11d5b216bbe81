/*
 * The dispatcher: global options, the command table, help. Global options may stand before or
 * after the command words (`chainchief --db x.db summary` = `chainchief summary --db x.db`).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	(void)ctx;
	if (argc > 1) {
		const struct cli_command *c = cli_find(argv[1]);
		if (!c) {
			cli_error("unknown command '%s'", argv[1]);
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
	(void)argc;
	(void)argv;
	if (ctx->format == CLI_FMT_JSON)
		printf("{\"version\":\"%s\",\"builtin_files\":%d}\n", CC_VERSION, cc_builtin_count);
	else
		printf("chainchief %s\n", CC_VERSION);
	return CLI_OK;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv, const struct cli_option *opts,
	      const char **values, const char **pos, int maxpos, int *npos)
{
	*npos = 0;
	for (int i = 0; opts && opts[i].name; i++)
		values[i] = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++) {
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
				fprintf(stderr, "usage: chainchief %s\n", cmd->usage);
				return CLI_USAGE;
			}
			if (opts[found].has_arg) {
				if (eq) {
					values[found] = eq + 1;
				} else if (i + 1 < argc) {
					values[found] = argv[++i];
				} else {
					cli_error("%s: option '--%s' needs a value", cmd->name,
						  opts[found].name);
					return CLI_USAGE;
				}
			} else {
				if (eq) {
					cli_error("%s: option '--%s' takes no value", cmd->name,
						  opts[found].name);
					return CLI_USAGE;
				}
				values[found] = "1";
			}
			continue;
		}
		if (*npos >= maxpos)
			goto too_many;
		pos[(*npos)++] = a;
	}
	return 0;
too_many:
	cli_error("%s: too many arguments", cmd->name);
	fprintf(stderr, "usage: chainchief %s\n", cmd->usage);
	return CLI_USAGE;
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
