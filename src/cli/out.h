/*
 * Command output: a table of text cells printed as an aligned table (CJK characters counted
 * two columns wide), as JSON (an array of objects; numeric columns as numbers, empty cells as
 * null) or as CSV. Commands that print one record build a one-row table.
 */
#ifndef CC_CLI_OUT_H
#define CC_CLI_OUT_H
#include <stddef.h>
#include <stdio.h>

enum cli_format_t { CLI_FMT_TABLE = 0, CLI_FMT_JSON = 1, CLI_FMT_CSV = 2 };

struct cli_table {
	size_t ncols, nrows, cap;
	char **cols;	    /* column keys, owned: JSON keys, stable English identifiers */
	const char **heads; /* column headers of table and CSV output (borrowed, or cols[i]) */
	int *numeric;	    /* per column: print as a JSON number */
	char **cells;	    /* nrows * ncols, malloc'd strings or NULL */
};

/*
 * Starts a table with N columns named by NAMES, each "KEY[#][=HEADER]": KEY is the JSON key
 * ([a-z0-9_], English: `name_zh`, never `名称`); '#' marks a numeric column; HEADER, when
 * given, is what table and CSV output print instead of KEY ("name_zh=名称"). NAMES must
 * outlive the table (string literals). Returns 0 or -1 on allocation failure.
 */
int cli_table_init(struct cli_table *t, size_t n, const char *const *names);
/* Appends a row; VALUES[i] may be NULL (empty). Values are copied. */
int cli_table_add(struct cli_table *t, const char *const *values);
/* Prints T to F in FORMAT. */
void cli_table_print(const struct cli_table *t, FILE *f, int format);
void cli_table_release(struct cli_table *t);

/* Display width of a UTF-8 string (East Asian wide characters count 2). */
size_t cli_display_width(const char *s);

#endif
