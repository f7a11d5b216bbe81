/*
 * Access to built-in files and the data/ override folder (see builtin.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/builtin.h"
#include "base/error.h"

static const char *data_dir;

void cc_data_set_dir(const char *dir)
{
	data_dir = dir;
}

const char *cc_data_dir(void)
{
	return data_dir;
}

const struct cc_builtin *cc_builtin_find(const char *name)
{
	/* The table is sorted by folder walk order, not by name; a linear scan of a few hundred
	 * entries is cheap next to what callers do with the file. */
	for (int i = 0; i < cc_builtin_count; i++)
		if (strcmp(cc_builtin_files[i].name, name) == 0)
			return &cc_builtin_files[i];
	return NULL;
}

int cc_data_read(const char *name, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (data_dir) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", data_dir, name);
		FILE *f = fopen(path, "rb");
		if (f) {
			int rc = 0;
			char *p = NULL;
			long n = -1;
			if (fseek(f, 0, SEEK_END) == 0)
				n = ftell(f);
			if (n < 0 || fseek(f, 0, SEEK_SET) != 0) {
				rc = CC_EIO;
				goto out;
			}
			p = malloc((size_t)n + 1);
			if (!p) {
				rc = CC_ENOMEM;
				goto out;
			}
			if (fread(p, 1, (size_t)n, f) != (size_t)n) {
				free(p);
				p = NULL;
				rc = CC_EIO;
				goto out;
			}
			p[n] = '\0';
			*out = p;
			*len = (size_t)n;
		out:
			fclose(f);
			return rc;
		}
	}
	char full[1024];
	snprintf(full, sizeof full, "data/%s", name);
	const struct cc_builtin *b = cc_builtin_find(full);
	if (!b)
		return CC_ENOTFOUND;
	char *p = malloc(b->size + 1);
	if (!p)
		return CC_ENOMEM;
	memcpy(p, b->data, b->size);
	p[b->size] = '\0';
	*out = p;
	*len = b->size;
	return 0;
}
