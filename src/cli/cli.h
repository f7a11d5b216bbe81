/*
 * The command table and what every command shares: global options (--db, --format, --data),
 * option parsing, opening the store, and the exit statuses.
 *
 * Each command lives in cli/cmd_<name>.c as
 *   int cmd_<name>(struct cli_ctx *ctx, int argc, char **argv);
 * where argv[0] is the command name and global options are already removed.
 */
#ifndef CC_CLI_CLI_H
#define CC_CLI_CLI_H
#include "base/error.h"
#include "cli/out.h"
#include "store/store.h"

/* Exit statuses of every command (the README lists them). */
enum cli_exit_t {
	CLI_OK = 0,
	CLI_USAGE = 1,
	CLI_FAIL = 2,
	CLI_REJECTS = 3,
};

struct cli_ctx {
	const char *db_path;  /* --db, $CHAINCHIEF_DB, or ./chainchief.db */
	int format;	      /* enum cli_format_t (--format) */
	int format_given;     /* --format was on the command line */
	const char *data_dir; /* --data */
	struct cc_store *store;
};

struct cli_command {
	const char *name;
	int (*fn)(struct cli_ctx *ctx, int argc, char **argv);
	const char *usage;   /* "import FILE... [--kind K]" */
	const char *summary; /* one line for `chainchief help` */
	const char *help;    /* the full text for `chainchief CMD --help` */
};

/* The table, ending with a NULL name. */
extern const struct cli_command cli_commands[];

int cli_main(int argc, char **argv);

/* An option a command accepts: "--NAME VALUE" / "--NAME=VALUE" when HAS_ARG, else a flag. */
struct cli_option {
	const char *name;
	int has_arg;
};

/*
 * Parses ARGV[1..] against OPTS: VALUES[i] gets the value (or "1" for a flag) of OPTS[i] or
 * stays NULL; other words go to POS (at most MAXPOS). Returns 0, or CLI_USAGE after printing
 * what was wrong and the command's usage.
 */
int cli_parse(const struct cli_command *cmd, int argc, char **argv, const struct cli_option *opts,
	      const char **values, const char **pos, int maxpos, int *npos);

/*
 * A subcommand of a command that has several (`match search`, `list show NAME`), as one row of
 * the command's static table. The table says, once, what each subcommand accepts, and
 * cli_dispatch refuses anything else: a word it does not know, more or fewer positional
 * arguments than MIN_ARGS..MAX_ARGS, an option it does not take.
 */
struct cli_sub {
	const char *name; /* the word; "" is what runs without one (`list`); NULL ends a table */
	int (*fn)(struct cli_ctx *ctx, const char **val, const char **args, int nargs);
	int min_args, max_args;	 /* positional arguments after the word */
	unsigned long long opts; /* the command's options it takes: CLI_OPT(i) for opts[i] */
	const char *usage;	 /* "show ID [--version V]", for its error messages */
};

/* The bit of option I of a command's option table in cli_sub.opts (at most 64 options). */
#define CLI_OPT(i)   (1ULL << (i))
#define CLI_MAX_OPTS 64

/*
 * Runs the subcommand of CMD named by the first positional word of ARGV (argv[0] is the command
 * name) from SUBS, after parsing ARGV against OPTS as cli_parse does. The subcommand's FN gets
 * VAL indexed as OPTS (NULL when not given) and the positional arguments after the word.
 * Returns what FN returns, or CLI_USAGE after printing what was wrong and the usage on stderr:
 * an unknown option or word, an option the subcommand does not take, too few or too many
 * arguments.
 */
int cli_dispatch(struct cli_ctx *ctx, const struct cli_command *cmd, const struct cli_sub *subs,
		 const struct cli_option *opts, int argc, char **argv);

/* Prints "usage: chainchief USAGE" on stderr (after a usage error). */
void cli_usage(const char *usage);

/* Finds a command by name. */
const struct cli_command *cli_find(const char *name);

/* Opens the store at ctx->db_path (creating it when CREATE). Prints the error and returns
 * CLI_FAIL on failure. */
int cli_open_store(struct cli_ctx *ctx, int create);

/* Prints "chainchief: MSG" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the help of CMD. */
void cli_print_help(const struct cli_command *cmd);

/* Parses a positive integer option value; prints an error and returns -1 when bad. */
long long cli_int_option(const char *name, const char *value, long long min, long long max);

#endif
