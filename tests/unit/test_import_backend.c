/*
 * The importer on both backends (issue 18, item 3): on PostgreSQL the validated rows go
 * through the store's bulk load (COPY into a staging table, one set-based upsert), on SQLite
 * through the row statements; the same files must leave the same rows, report the same counts
 * (rows, accepted, rejected, changed) and write the same reject reports. The files cover a
 * first load into an empty registry (its codes repeated), upserts, keys repeated within a
 * file with different values (applied in turns on PostgreSQL), rejects, an outside supplier,
 * a GB18030 file, and re-imports that must change nothing (no row written, nothing logged).
 *
 * SQLite always; PostgreSQL too when CC_TEST_PG is a URL of a throw-away database (its public
 * schema is dropped; scripts/test.sh runs this binary again on scripts/pg_tmp.sh's server).
 */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "testutil.h"
#include "base/buf.h"
#include "io/import.h"
#include "store/dialect.h"
#include "store/store.h"

static char dir[] = "/tmp/cc-impbk-XXXXXX";
static char code[8][19]; /* A..H: registered or not, as the files say */

static void write_file(const char *name, const char *text, size_t n)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
}

/* Writes TEXT with each '@X' (X in A..H) replaced by that enterprise's code, as UTF-8, or as
 * GB18030 when GB. */
static void write_csv(const char *name, const char *text, int gb)
{
	struct cc_buf b = CC_BUF_INIT(1 << 20);
	for (const char *p = text; *p; p++) {
		if (*p == '@' && p[1] >= 'A' && p[1] <= 'H') {
			cc_buf_append(&b, code[p[1] - 'A'], 18);
			p++;
		} else {
			cc_buf_putc(&b, *p);
		}
	}
	if (!gb) {
		write_file(name, b.data, b.len);
		cc_buf_release(&b);
		return;
	}
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	char out[8192], *in = b.data, *o = out;
	size_t inleft = b.len, outleft = sizeof out;
	assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
	iconv_close(cd);
	write_file(name, out, sizeof out - outleft);
	cc_buf_release(&b);
}

/* Imports NAME (kind from the header) and appends to TR what the import reported and its
 * reject report; returns the rows it changed. */
static int64_t import(struct cc_store *st, const char *name, struct cc_buf *tr)
{
	char p[256], rej[300];
	struct cc_import_opts o = {0};
	struct cc_import_result res;
	struct cc_error err = {0};
	snprintf(p, sizeof p, "%s/%s", dir, name);
	snprintf(rej, sizeof rej, "%s/%s.rejects", dir, name);
	o.kind = CC_KIND_AUTO;
	o.rejects_path = rej;
	int rc = cc_import_file(st, p, &o, &res, &err);
	if (rc && rc != CC_EREJECT)
		print_error("import %s on %s: %s\n", name, cc_store_backend(st), err.msg);
	assert_true(rc == 0 || rc == CC_EREJECT);
	cc_buf_printf(tr, "%s: %s %s rows %lld accepted %lld rejected %lld changed %lld\n", name,
		      cc_kind_name(res.kind), res.format, (long long)res.rows,
		      (long long)res.accepted, (long long)res.rejected, (long long)res.changed);
	for (int i = 0; i < res.nwarnings; i++)
		cc_buf_printf(tr, "  warning: %s\n", res.warnings[i]);
	FILE *f = fopen(rej, "rb");
	assert_non_null(f);
	char line[2048];
	while (fgets(line, sizeof line, f)) {
		/* a constraint's refusal in the database's own words: whose they are */
		char *c = strstr(line, "数据库约束不满足");
		if (c)
			snprintf(c, sizeof line - (size_t)(c - line), "数据库约束不满足 %s\n",
				 strstr(c, "revenue 4242 refused") || strstr(c, "\"test_refuse\"")
					 ? "(refused)"
					 : "(other)");
		cc_buf_printf(tr, "  %s", line);
	}
	fclose(f);
	int64_t changed = res.changed;
	cc_import_result_release(&res);
	return changed;
}

/* Appends the rows of SQL to TR, one line each, values as text (numbers exactly). */
static void dump(struct cc_store *st, const char *sql, struct cc_buf *tr)
{
	struct cc_stmt *s = NULL;
	struct cc_error err = {0};
	int rc;
	if (cc_stmt_prepare(st, &s, sql, &err))
		fail_msg("%s: %s", sql, err.msg);
	cc_buf_printf(tr, "%s\n", sql);
	while ((rc = cc_stmt_step(s, &err)) == 1) {
		for (int c = 0; c < cc_stmt_columns(s); c++) {
			char num[40];
			if (c)
				cc_buf_putc(tr, '|');
			switch (cc_stmt_kind(s, c)) {
			case CC_VAL_NULL: cc_buf_puts(tr, "NULL"); break;
			case CC_VAL_INT:
				cc_buf_printf(tr, "%lld", (long long)cc_stmt_int64(s, c));
				break;
			case CC_VAL_REAL:
				cc_num_format(cc_stmt_double(s, c), CC_NUM_EXACT, num, sizeof num);
				cc_buf_puts(tr, num);
				break;
			default: cc_buf_puts(tr, cc_stmt_text(s, c)); break;
			}
		}
		cc_buf_putc(tr, '\n');
	}
	if (rc < 0)
		fail_msg("%s: %s", sql, err.msg);
	cc_stmt_free(s);
}

static const char *const tables[] = {
	"SELECT id, uscc, name, region, industry, founded, scale, listed, certs, CASE WHEN "
	"updated_at IS NULL THEN 0 ELSE 1 END FROM enterprises ORDER BY id",
	"SELECT * FROM indicators ORDER BY enterprise_id, period",
	"SELECT enterprise_id, period, mask, import_id, line FROM indicator_imports ORDER BY "
	"enterprise_id, period, mask",
	"SELECT supplier, buyer_id, product, chain, node, annual_value, share FROM supply_edges "
	"ORDER BY supplier, buyer_id, product",
	/* the order rows were inserted in (the frame reads the table in rowid ranges) */
	"SELECT supplier, buyer_id, product FROM supply_edges ORDER BY rowid",
	"SELECT enterprise_id, chain, node, role, product FROM chain_members ORDER BY "
	"enterprise_id, chain, node",
	"SELECT id, kind, file, format, rows, accepted, rejected FROM imports ORDER BY id",
	"SELECT enterprise_id, period, carrier, quantity, tce FROM energy_accounts ORDER BY "
	"enterprise_id, period, carrier",
	"SELECT enterprise_id, period, value_added FROM green_periods ORDER BY enterprise_id, "
	"period",
	/* the change log's rows (as a set: a file repeating keys is applied in turns on
	 * PostgreSQL, so rows of different entities may be logged in another order) */
	"SELECT kind, entity, coalesce(period, -1) FROM changes ORDER BY kind, entity, 3",
};

/* Files with keys repeated inside them (different values) and rejects; imported twice. */
static const char e1[] = "uscc,name,region,industry,founded,scale,listed,certs\n"
			 "@A,甲公司,500112,C3670,2010-05-01,large,main,hightech;srdi\n"
			 "@B,乙公司,510116,,,,,\n"
			 "@C,丙公司,999999,,,,,\n"
			 "@A,甲公司改名,500112,C3670,2010-05-01,large,main,hightech\n"
			 "@D,\"丁, 公司\\tab\",440305,C36,,small,none,\n";
static const char e2[] = "uscc,name,region\n"
			 "@B,乙公司二,510116\n"
			 "@E,戊公司,500103\n"
			 "@E,戊公司二,500103\n"
			 "@F,己公司,500103\n"
			 "@A,甲公司改名,500112\n";
static const char i1[] = "uscc,period,revenue,net_profit,employees,rd_staff\n"
			 "@A,2023,100.5,10,50,5\n"
			 "@A,2024,120.25,,60,6\n"
			 "@B,2024,0.1,-3,10,1\n"
			 "@G,2024,1,1,1,1\n"
			 "@A,2024,130,,60,6\n"
			 "@B,2023-13,1,1,1,1\n"
			 "@D,2024-03,1e3,0.3333333333333333,2,0\n";
static const char s1[] = "supplier,buyer,product,annual_value,share\n"
			 "@A,@B,电芯,1000,0.5\n"
			 "@G,@B,壳体,200,45%\n"
			 "@B,@B,x,1,0.1\n"
			 "@A,@B,电芯,1200,0.5\n"
			 "@D,@A,,,\n";
/* Energy accounts: a carrier row repeated with another quantity (the later wins), a value
 * added alone, a row with both, an unknown carrier (rejected) and a firm not registered. */
static const char n1[] = "uscc,period,carrier,quantity,unit,value_added\n"
			 "@A,2023,electricity,1000,kWh,50\n"
			 "@A,2023,natural_gas,20,m3,\n"
			 "@A,2023,electricity,1500,kWh,\n"
			 "@B,2024,,,,7.5\n"
			 "@B,2024,diesel,2,t,8\n"
			 "@D,2023,moonlight,1,t,\n"
			 "@G,2023,electricity,1,kWh,\n"
			 "@A,2024,raw_coal,3.5,t,60\n";
/* Files that are their own fixed point: a second import changes nothing. */
static const char g1[] = "uscc,name,region\n"
			 "@H,重庆电池有限公司,500112\n"
			 "@B,乙公司三,510116\n";
static const char i2[] = "uscc,period,revenue,employees,rd_staff,tax\n"
			 "@A,2022,90,40,4,1.5\n"
			 "@B,2024,0.2,10,1,\n"
			 "@H,2024-01,5,3,1,0.01\n";
static const char s2[] = "supplier,buyer,product,node,annual_value\n"
			 "@H,@A,电芯,power_battery.cathode,77.7\n"
			 "@A,@B,电芯,,1300\n";
static const char m1[] = "uscc,chain,node,role,product\n"
			 "@A,power_battery,cathode,master,正极\n"
			 "@H,power_battery,anode,,\n"
			 "@G,power_battery,anode,,\n";

/* A constraint the validators do not know: a trigger for this test refuses revenue 4242 as a
 * CHECK would. The rows it refuses are rejected alone: lines 3, 7 and 9 (9 after a row the
 * validators rejected, line 8), and line 5, the second row of @A's period (its first stays:
 * the rows of a repeated key go in turns). i3 goes through the bulk load (on PostgreSQL the
 * refused rows are found at the merge, by halves), i4 row by row (it gives employees without
 * R&D staff; on PostgreSQL the refusal spoils the transaction, and the file is imported again
 * with each row under a savepoint). */
#define REFUSED(cols, p1, p2)                                                                      \
	"uscc,period,revenue," cols "\n"                                                           \
	"@A," p1 ",1,1\n"                                                                          \
	"@B," p1 ",4242,2\n"                                                                       \
	"@D," p1 ",3,3\n"                                                                          \
	"@A," p1 ",4242,4\n"                                                                       \
	"@H," p1 ",5,5\n"                                                                          \
	"@H," p2 ",4242,1\n"                                                                       \
	"@G," p1 ",1,1\n"                                                                          \
	"@B," p2 ",4242,1\n"                                                                       \
	"@D," p2 ",6,6\n"
static const char i3[] = REFUSED("tax", "2021", "2020");
static const char i4[] = REFUSED("employees", "2019", "2018");

static void refuse(struct cc_store *st, int on)
{
	struct cc_error err = {0};
	int pg = strcmp(cc_store_backend(st), "postgresql") == 0;
	const char *sql =
		!on  ? (pg ? "DROP TRIGGER test_refuse ON indicators; DROP FUNCTION test_refuse()"
			   : "DROP TRIGGER test_refuse_i; DROP TRIGGER test_refuse_u")
		: pg ? "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
		       "IF NEW.revenue = 4242 THEN RAISE EXCEPTION 'revenue 4242 refused' USING "
		       "ERRCODE = 'check_violation'; END IF; RETURN NEW; END$$; CREATE TRIGGER "
		       "test_refuse BEFORE INSERT OR UPDATE ON indicators FOR EACH ROW EXECUTE "
		       "FUNCTION test_refuse()"
		     : "CREATE TRIGGER test_refuse_i BEFORE INSERT ON indicators WHEN NEW.revenue = "
		       "4242 BEGIN SELECT RAISE(ABORT, 'revenue 4242 refused'); END; CREATE "
		       "TRIGGER test_refuse_u BEFORE UPDATE ON indicators WHEN NEW.revenue = 4242 "
		       "BEGIN SELECT RAISE(ABORT, 'revenue 4242 refused'); END";
	if (cc_store_exec(st, sql, &err))
		fail_msg("%s: %s", sql, err.msg);
}

/* The same refusal in a first load into empty tables, which PostgreSQL copies straight into
 * the table past CC_BULK_FIRST_ROWS (the direct load; a CHECK constraint there, the trigger on
 * SQLite): the COPY fails, the file is imported again without the direct load, and line 3 is
 * rejected alone. On ST, a new database; its transcript into TR. */
static const char i5[] = "uscc,period,revenue,tax\n"
			 "@A,2021,1,1\n"
			 "@B,2021,4242,2\n"
			 "@D,2021,3,3\n"
			 "@A,2020,5,5\n"
			 "@B,2020,6,6\n";

static void first_load_refused(struct cc_store *st, struct cc_buf *tr)
{
	struct cc_error err = {0};
	import(st, "e1.csv", tr);
	if (strcmp(cc_store_backend(st), "postgresql") == 0)
		assert_int_equal(cc_store_exec(st,
					       "ALTER TABLE indicators ADD CONSTRAINT test_refuse "
					       "CHECK (revenue IS DISTINCT FROM 4242)",
					       &err),
				 0);
	else
		refuse(st, 1);
	setenv("CC_LOG_BULK_BYTES", "0", 1); /* as a big file: the change log's triggers off */
	import(st, "i5.csv", tr);
	unsetenv("CC_LOG_BULK_BYTES");
	dump(st, tables[1], tr);
	dump(st, tables[2], tr);
}

/* The whole scenario on ST; its transcript into TR. */
static void scenario(struct cc_store *st, struct cc_buf *tr)
{
	static const char *const twice[] = {"e1.csv", "e2.csv", "i1.csv", "s1.csv", "n1.csv"};
	static const char *const fixed[] = {"g1.csv", "i2.csv", "s2.csv", "m1.csv"};
	for (int i = 0; i < 5; i++) {
		import(st, twice[i], tr);
		import(st, twice[i], tr);
	}
	for (int i = 0; i < 4; i++) {
		assert_true(import(st, fixed[i], tr) > 0);
		int64_t logged = cc_store_int(st, "SELECT count(*) FROM changes", -1);
		/* a re-import writes nothing: no row changed, no change logged */
		assert_int_equal(import(st, fixed[i], tr), 0);
		assert_int_equal(cc_store_int(st, "SELECT count(*) FROM changes", -1), logged);
	}
	refuse(st, 1);
	import(st, "i3.csv", tr);
	import(st, "i4.csv", tr);
	refuse(st, 0);
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		dump(st, tables[t], tr);
}

static void test_backends(void **state)
{
	(void)state;
	struct cc_buf lite = CC_BUF_INIT(1 << 22), pg = CC_BUF_INIT(1 << 22);
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	char p[256];
	snprintf(p, sizeof p, "%s/t.db", dir);
	assert_int_equal(cc_store_open(&st, p, CC_STORE_CREATE, &err), 0);
	/* what the importer asks of the backend: a plain INSERT first, look-ups per row */
	assert_int_equal(cc_store_failure_keeps_tx(st), 1);
	assert_int_equal(cc_store_round_trips(st), 0);
	scenario(st, &lite);
	cc_store_close(st);
	snprintf(p, sizeof p, "%s/t2.db", dir);
	assert_int_equal(cc_store_open(&st, p, CC_STORE_CREATE, &err), 0);
	first_load_refused(st, &lite);
	cc_store_close(st);
	/* what SQLite did, as the importer has always done it */
	const char *t = cc_buf_str(&lite);
	printf("%s", t);
	assert_non_null(
		strstr(t, "e1.csv: enterprises utf-8 rows 5 accepted 4 rejected 1 changed 4"));
	assert_non_null(
		strstr(t, "e1.csv: enterprises utf-8 rows 5 accepted 4 rejected 1 changed 2"));
	assert_non_null(
		strstr(t, "e2.csv: enterprises utf-8 rows 5 accepted 5 rejected 0 changed 4"));
	assert_non_null(
		strstr(t, "g1.csv: enterprises gb18030 rows 2 accepted 2 rejected 0 changed 2"));
	assert_non_null(
		strstr(t, "i1.csv: indicators utf-8 rows 7 accepted 5 rejected 2 changed 5"));
	/* energy through the view's trigger: the rows it wrote count as changed (a re-import
	 * changes the rows whose later repeat it undoes, and the value added rows alike) */
	assert_non_null(strstr(t, "n1.csv: energy utf-8 rows 8 accepted 5 rejected 3 changed 5\n"));
	assert_non_null(strstr(t, "n1.csv: energy utf-8 rows 8 accepted 5 rejected 3 changed 4\n"));
	for (int i = 3; i <= 4; i++) {
		char want[128];
		snprintf(want, sizeof want,
			 "i%d.csv: indicators utf-8 rows 9 accepted 4 rejected 5 changed 4\n", i);
		const char *f = strstr(t, want);
		assert_non_null(f);
		assert_non_null(strstr(f, "reason_en\r\n"
					  "  3,,,数据库约束不满足 (refused)\n"
					  "  5,,,数据库约束不满足 (refused)\n"
					  "  7,,,数据库约束不满足 (refused)\n"
					  "  8,uscc,"));
		assert_non_null(strstr(f, "  9,,,数据库约束不满足 (refused)\n"));
	}
	assert_non_null(
		strstr(t, "i5.csv: indicators utf-8 rows 5 accepted 4 rejected 1 changed 4\n"));
	assert_non_null(strstr(t, "reason_en\r\n  3,,,数据库约束不满足 (refused)\n"));
	assert_non_null(strstr(t, "重庆电池有限公司"));
	assert_non_null(strstr(t, "丁, 公司\\tab"));
	assert_non_null(strstr(t, "not a GB/T 2260 region code"));

	const char *url = getenv("CC_TEST_PG");
	if (!url || !*url) {
		print_message(
			"CC_TEST_PG not set: the PostgreSQL half runs under scripts/test.sh\n");
		cc_buf_release(&lite);
		return;
	}
	assert_int_equal(cc_store_open(&st, url, 0, &err), 0);
	assert_int_equal(
		cc_store_exec(st, "DROP SCHEMA public CASCADE; CREATE SCHEMA public", &err), 0);
	cc_store_close(st);
	assert_int_equal(cc_store_open(&st, url, CC_STORE_CREATE, &err), 0);
	/* a failed INSERT would abort the transaction; a look-up is a round trip */
	assert_int_equal(cc_store_failure_keeps_tx(st), 0);
	assert_int_equal(cc_store_round_trips(st), 1);
	/* the first-load path (constraints dropped and added again) for any file: taken by
	 * m1.csv, given up for i1.csv and s1.csv (keys repeated) */
	setenv("CC_BULK_FIRST_ROWS", "1", 1);
	scenario(st, &pg);
	assert_int_equal(
		cc_store_exec(st, "DROP SCHEMA public CASCADE; CREATE SCHEMA public", &err), 0);
	cc_store_close(st);
	assert_int_equal(cc_store_open(&st, url, CC_STORE_CREATE, &err), 0);
	first_load_refused(st, &pg);
	unsetenv("CC_BULK_FIRST_ROWS");
	cc_store_close(st);
	if (strcmp(cc_buf_str(&lite), cc_buf_str(&pg)) != 0) {
		/* the first line that differs */
		const char *a = cc_buf_str(&lite), *b = cc_buf_str(&pg);
		while (*a && *a == *b)
			a++, b++;
		while (a > cc_buf_str(&lite) && a[-1] != '\n')
			a--, b--;
		fail_msg("SQLite and PostgreSQL differ:\nSQLite:     %.200s\nPostgreSQL: %.200s", a,
			 b);
	}
	cc_buf_release(&lite);
	cc_buf_release(&pg);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	static const int regions[] = {500112, 510116, 440305, 500103,
				      500103, 500103, 320506, 500112};
	for (int i = 0; i < 8; i++)
		tu_uscc(code[i], regions[i], 100 + i);
	write_csv("e1.csv", e1, 0);
	write_csv("e2.csv", e2, 0);
	write_csv("i1.csv", i1, 0);
	write_csv("s1.csv", s1, 0);
	write_csv("n1.csv", n1, 0);
	write_csv("g1.csv", g1, 1);
	write_csv("i2.csv", i2, 0);
	write_csv("s2.csv", s2, 0);
	write_csv("m1.csv", m1, 0);
	write_csv("i3.csv", i3, 0);
	write_csv("i4.csv", i4, 0);
	write_csv("i5.csv", i5, 0);
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_backends)};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
