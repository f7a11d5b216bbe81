/*
 * Declarations of the command handlers listed in commands.def.
 */
#ifndef CC_CLI_COMMANDS_H
#define CC_CLI_COMMANDS_H
#include "cli/cli.h"

#define CMD(name, usage, summary, help) int cmd_##name(struct cli_ctx *ctx, int argc, char **argv);
#include "cli/commands.def"
#undef CMD

#endif
