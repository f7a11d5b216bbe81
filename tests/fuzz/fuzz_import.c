/*
 * Fuzz target: the importers (header mapping, every row validator, the upserts) on arbitrary
 * files. The first byte picks the kind; each input runs as a dry run against one database, so
 * the target also checks that a dry run leaves the database unchanged.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "io/import.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cc_store *st;
static char path[64], db[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_error err;
	if (!st) {
		snprintf(db, sizeof db, "/tmp/cc-fuzz-import-%d.db", (int)getpid());
		snprintf(path, sizeof path, "/tmp/cc-fuzz-import-%d.csv", (int)getpid());
		unlink(db);
		if (cc_store_open(&st, db, CC_STORE_CREATE, &err))
			abort();
		/* One registered enterprise so that row-level paths past the lookup are reached. */
		cc_store_exec(st,
			      "INSERT INTO enterprises(uscc,name,region) VALUES"
			      "('91110000600037341L','甲',110000)",
			      &err);
	}
	if (size < 1)
		return 0;
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	struct cc_import_opts o = {0};
	struct cc_import_result res;
	o.kind = (int)(data[0] % (CC_KIND_COUNT + 1)) - 1;
	o.dry_run = 1;
	int64_t before = cc_store_int(st, "SELECT total_changes()", 0);
	int64_t gen = cc_store_generation(st);
	int rc = cc_import_file(st, path, &o, &res, &err);
	cc_import_result_release(&res);
	if ((rc == 0 || rc == CC_EREJECT) && res.accepted + res.rejected != res.rows)
		abort();
	if (cc_store_int(st, "SELECT count(*) FROM enterprises", 0) != 1)
		abort();
	if (cc_store_generation(st) != gen)
		abort();
	(void)before;
	return 0;
}
