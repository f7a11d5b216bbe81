/*
 * The command table and shared command-line helpers. Each command lives in cli/cmd_<name>.c
 * as `int cmd_<name>(struct cli_ctx *ctx, int argc, char **argv)`.
 */
#ifndef CC_CLI_CLI_H
#define CC_CLI_CLI_H

/* Exit statuses of every command (the README lists them). */
enum cli_exit_t {
	CLI_OK = 0,
	CLI_USAGE = 1,
	CLI_FAIL = 2,
	CLI_REJECTS = 3,
};

int cli_main(int argc, char **argv);

#endif
