/*
 * Tabular input over CSV or XLSX (see table.h). The container is chosen by content, not by
 * the file name: analysts rename files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "io/table.h"
#include "io/xlsx.h"

struct cc_table {
	struct cc_csv *csv;
	struct cc_xlsx_reader *xlsx;
	uint64_t size;
};

int cc_table_open(struct cc_table **out, const char *path, struct cc_error *err)
{
	unsigned char magic[4] = {0};
	int rc = 0;
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return cc_error_set(err, CC_EIO, "cannot open '%s'", path);
	size_t got = fread(magic, 1, 4, f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	struct cc_table *t = calloc(1, sizeof *t);
	if (!t)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	t->size = size > 0 ? (uint64_t)size : 0;
	if (got == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
		rc = cc_xlsx_open(&t->xlsx, path, err);
	} else {
		struct cc_source *src = NULL;
		rc = cc_source_open_file(&src, path, err);
		if (rc == 0) {
			rc = cc_csv_open(&t->csv, src, err);
			if (rc)
				cc_source_free(src);
		}
	}
	if (rc) {
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int cc_table_open_mem(struct cc_table **out, const void *p, size_t n, struct cc_error *err)
{
	struct cc_source *src = NULL;
	*out = NULL;
	struct cc_table *t = calloc(1, sizeof *t);
	if (!t)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	t->size = n;
	int rc = cc_source_open_mem(&src, p, n, err);
	if (rc == 0) {
		rc = cc_csv_open(&t->csv, src, err);
		if (rc)
			cc_source_free(src);
	}
	if (rc) {
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int cc_table_next(struct cc_table *t, struct cc_row *row, struct cc_error *err)
{
	return t->xlsx ? cc_xlsx_next(t->xlsx, row, err) : cc_csv_next(t->csv, row, err);
}

void cc_table_skip_bad(struct cc_table *t)
{
	if (t->csv)
		cc_csv_skip_bad(t->csv, 1);
}

const char *cc_table_format(const struct cc_table *t)
{
	if (t->xlsx)
		return "xlsx";
	return cc_encoding_name(cc_source_encoding(cc_csv_source(t->csv)));
}

double cc_table_progress(const struct cc_table *t)
{
	if (t->xlsx)
		return cc_xlsx_progress(t->xlsx);
	struct cc_source *s = cc_csv_source(t->csv);
	uint64_t size = cc_source_size(s);
	return size ? (double)cc_source_pos(s) / (double)size : 1.0;
}

uint64_t cc_table_size(const struct cc_table *t)
{
	return t->size;
}

void cc_table_free(struct cc_table *t)
{
	if (!t)
		return;
	cc_csv_free(t->csv);
	cc_xlsx_reader_close(t->xlsx);
	free(t);
}
