/*
 * Command dispatch (placeholder until the command table lands).
 */
#include <stdio.h>
#include "cli/cli.h"

int cli_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("chainchief\n");
	return CLI_OK;
}
