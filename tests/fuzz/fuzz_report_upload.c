/*
 * Fuzz target: the bulk report upload (report/bulk.c, issue 15): a district's filled template
 * read back through the importer's table reader (CSV in UTF-8 or GB18030, or XLSX by its
 * magic), headers matched, each row's figures parsed and submitted under the form's rules,
 * refused rows written to a reject report. The database holds a plan over two firms with a
 * period open; after each input the reports are put back to open, so every input meets the
 * same state. Checks: the answer's counts agree (accepted <= rows; the reports submitted are
 * the ones accepted), no report is left in a state an upload cannot make, and nothing is
 * written outside the plan's reports.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "report/report.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cc_store *st;
static int64_t plan;
static char path[64], rejects[80], db[64];

static void setup(void)
{
	struct cc_error err = {0};
	int period;
	int64_t opened;
	snprintf(db, sizeof db, "/tmp/cc-fuzz-upload-%d.db", (int)getpid());
	snprintf(path, sizeof path, "/tmp/cc-fuzz-upload-%d.in", (int)getpid());
	snprintf(rejects, sizeof rejects, "/tmp/cc-fuzz-upload-%d.rejects.csv", (int)getpid());
	unlink(db);
	if (cc_store_open(&st, db, CC_STORE_CREATE, &err))
		abort();
	/* Two registered firms (valid credit codes), one with last year's figures so the soft
	 * rules have a history to compare with. */
	if (cc_store_exec(st,
			  "INSERT INTO enterprises(id,uscc,name,region) VALUES"
			  "(1,'91110000600037341L','甲',110000),"
			  "(2,'91500000202808277Y','乙',500000);"
			  "INSERT INTO indicators(enterprise_id,period,revenue,employees) VALUES"
			  "(1,202511,100,10),(1,202610,110,10)",
			  &err))
		abort();
	struct report_plan_new p = {.name = "fuzz",
				    .metrics = "revenue,employees,rd_staff,rd_expense",
				    .rule = "list:91110000600037341L;91500000202808277Y",
				    .frequency = "monthly",
				    .actor = "fuzz"};
	if (report_plan_create(st, &p, &plan, &err) ||
	    report_open(st, plan, 202611, 20261201, "fuzz", &period, &opened, &err) || opened != 2)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_error err = {0};
	if (!st)
		setup();
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	json_t *res = NULL;
	int rc = report_bulk_upload(st, plan, 202611, path, rejects, "fuzz", &res, &err);
	if (rc == 0 || rc == CC_EREJECT) {
		json_int_t rows = json_integer_value(json_object_get(res, "rows"));
		json_int_t acc = json_integer_value(json_object_get(res, "accepted"));
		json_int_t rej = json_integer_value(json_object_get(res, "rejected"));
		if (!res || acc < 0 || acc > rows || acc > 2 || (rc == CC_EREJECT) != (rej > 0))
			abort();
		if (cc_store_int(st, "SELECT count(*) FROM reports WHERE status = 'submitted'",
				 -1) != acc)
			abort();
	} else if (res) {
		abort(); /* a failure leaves no answer */
	}
	json_decref(res);
	if (cc_store_int(st,
			 "SELECT count(*) FROM reports WHERE status NOT IN ('open', 'submitted')",
			 -1) != 0 ||
	    cc_store_int(st, "SELECT count(*) FROM reports", -1) != 2 ||
	    cc_store_int(st, "SELECT count(*) FROM indicators", -1) != 2)
		abort();
	/* The same state for the next input. */
	if (cc_store_exec(st,
			  "UPDATE reports SET status = 'open', explanation = NULL, submitted_at = "
			  "NULL, submitted_by = NULL; DELETE FROM report_values",
			  &err))
		abort();
	return 0;
}
