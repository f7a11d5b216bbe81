/*
 * libFuzzer target for the XLSX reader: the input is written to a temporary file (minizip
 * reads files), which is then opened and read to the end. Any crash, leak or sanitizer report
 * is a bug; errors returned by the reader are expected.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "io/xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void remove_tmp(void)
{
	if (path[0])
		unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_xlsx_reader *x = NULL;
	struct cc_error err;
	struct cc_row row;
	if (!path[0]) {
		snprintf(path, sizeof path, "/tmp/fuzz_xlsx_XXXXXX");
		int fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_tmp);
	}
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	if (cc_xlsx_open(&x, path, &err) == 0) {
		int rc;
		size_t total = 0;
		while ((rc = cc_xlsx_next(x, &row, &err)) == 1) {
			/* Touch every field: pointers and lengths must agree. */
			for (size_t i = 0; i < row.nfields; i++)
				total += row.lens[i] + (row.fields[i][row.lens[i]] == '\0');
			if (cc_xlsx_progress(x) < 0.0 || cc_xlsx_progress(x) > 1.0)
				abort();
		}
		(void)total;
		cc_xlsx_close(x);
	}
	return 0;
}
