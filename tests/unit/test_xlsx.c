/*
 * Tests of io/xlsx: a workbook written with the writer (Chinese text, numbers, empty cells, a
 * second sheet with a chart) read back; hand-built packages (made here with minizip's zip.h)
 * that exercise what other producers write: inline and rich-text strings, skipped rows and
 * columns, cells without references, booleans, errors, formula results, built-in and custom
 * date formats in both date systems, absolute and relative part paths; and broken files,
 * each of which must fail with a negative code and a message naming the file.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <minizip/unzip.h>
#include <minizip/zip.h>
#include <zlib.h>
#include "io/export.h"
#include "io/xlsx.h"

static char dir[64];

/* Returns DIR/NAME in a static buffer (one at a time). */
static const char *tmp_path(const char *name)
{
	static char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/cc_test_xlsx_XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			char p[512];
			if (e->d_name[0] == '.')
				continue;
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(dir);
	return 0;
}

struct entry {
	const char *name;
	const char *data;
};

/* Writes a zip at PATH holding the N entries (deflated). */
static void make_zip(const char *path, const struct entry *e, size_t n)
{
	zipFile z = zipOpen(path, APPEND_STATUS_CREATE);
	assert_non_null(z);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(zipOpenNewFileInZip(z, e[i].name, NULL, NULL, 0, NULL, 0, NULL,
						     Z_DEFLATED, Z_DEFAULT_COMPRESSION),
				 ZIP_OK);
		assert_int_equal(zipWriteInFileInZip(z, e[i].data, (unsigned)strlen(e[i].data)),
				 ZIP_OK);
		assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
	}
	assert_int_equal(zipClose(z, NULL), ZIP_OK);
}

/* Reads the next row and checks its number and fields (NULL ends VALS; "" an empty cell). */
static void expect_row(struct cc_xlsx_reader *x, long line, const char *const *vals)
{
	struct cc_row row;
	struct cc_error err = {0};
	size_t n = 0;
	int rc = cc_xlsx_next(x, &row, &err);
	if (rc != 1)
		fail_msg("expected row %ld, got %d: %s", line, rc, err.msg);
	while (vals[n])
		n++;
	assert_int_equal(row.line, line);
	if (row.nfields != n) {
		for (size_t i = 0; i < row.nfields; i++)
			print_message("  field %zu: '%s'\n", i, row.fields[i]);
		fail_msg("row %ld: %zu fields, expected %zu", line, row.nfields, n);
	}
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(row.fields[i], vals[i]);
		assert_int_equal(row.lens[i], strlen(vals[i]));
	}
}

static void expect_end(struct cc_xlsx_reader *x)
{
	struct cc_row row;
	struct cc_error err = {0};
	int rc = cc_xlsx_next(x, &row, &err);
	if (rc != 0)
		fail_msg("expected the end, got %d: %s", rc, err.msg);
	assert_int_equal(cc_xlsx_next(x, &row, &err), 0);
	assert_true(cc_xlsx_progress(x) == 1.0);
}

/* Returns the malloc'd content of PART inside the zip at PATH, or NULL. */
static char *zip_part(const char *path, const char *part)
{
	unzFile z = unzOpen64(path);
	char *buf = NULL;
	if (!z)
		return NULL;
	if (unzLocateFile(z, part, 1) == UNZ_OK && unzOpenCurrentFile(z) == UNZ_OK) {
		size_t len = 0, cap = 1 << 16;
		buf = malloc(cap + 1);
		int n;
		while (buf && (n = unzReadCurrentFile(z, buf + len, (unsigned)(cap - len))) > 0) {
			len += (size_t)n;
			if (len == cap) {
				char *p = realloc(buf, cap * 2 + 1);
				if (!p) {
					free(buf);
					buf = NULL;
					break;
				}
				buf = p;
				cap *= 2;
			}
		}
		if (buf)
			buf[len] = '\0';
		unzCloseCurrentFile(z);
	}
	unzClose(z);
	return buf;
}

/* ------------------------------------------------------------------------------------------ */

static void test_write_read(void **state)
{
	(void)state;
	struct cc_xlsx_writer *w = NULL;
	struct cc_error err = {0};
	const char *path = tmp_path("roundtrip.xlsx");
	static const char long_name[] =
		"供应链企业名单一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥";
	const enum cc_cell_type types[] = {CC_CELL_TEXT, CC_CELL_NUMBER, CC_CELL_TEXT,
					   CC_CELL_NUMBER};
	const char *head[] = {"企业名称", "金额（万元）", "备注", "占比"};
	const char *r1[] = {"华为技术有限公司", "12", NULL, "0.25"};
	const char *r2[] = {"比亚迪股份有限公司", "1234.5", "", "-3"};
	const char *r3[] = {"宁德时代", "不详", "00123", "1e400"};
	const char *r4[] = {NULL, "", NULL, NULL};
	const char *r5[] = {"", "0x1A", " 7", "12abc"};
	const char *r6[] = {"末行", "0.1", "=1+1", "1e20"};
	const double widths[] = {30, 12, 20, 8};

	assert_int_equal(cc_xlsx_create(&w, path, &err), 0);
	assert_int_equal(cc_xlsx_add_sheet(w, long_name, &err), 0);
	cc_xlsx_widths(w, 4, widths);
	assert_int_equal(cc_xlsx_row(w, 4, head, NULL, 1, &err), 0);
	assert_int_equal(cc_xlsx_row(w, 4, r1, types, 0, &err), 0);
	assert_int_equal(cc_xlsx_row(w, 4, r2, types, 0, &err), 0);
	assert_int_equal(cc_xlsx_row(w, 4, r3, types, 0, &err), 0);
	assert_int_equal(cc_xlsx_row(w, 4, r4, types, 0, &err), 0);
	assert_int_equal(cc_xlsx_row(w, 4, r5, types, 0, &err), 0);
	assert_int_equal(cc_xlsx_row(w, 4, r6, types, 0, &err), 0);
	/* The same name again (after truncation) is refused. */
	assert_int_equal(cc_xlsx_add_sheet(w, long_name, &err), CC_EEXIST);
	assert_non_null(strstr(err.msg, "already exists"));

	const char *h2[] = {"指标", "数值"};
	const char *d2[] = {"产值", "3.5"};
	const enum cc_cell_type t2[] = {CC_CELL_TEXT, CC_CELL_NUMBER};
	assert_int_equal(cc_xlsx_add_sheet(w, "图表", &err), 0);
	assert_int_equal(cc_xlsx_row(w, 2, h2, NULL, 1, &err), 0);
	assert_int_equal(cc_xlsx_row(w, 2, d2, t2, 0, &err), 0);
	assert_int_equal(cc_xlsx_bar_chart(w, long_name, 0, 1, 1, 3, "金额对比", 3, 0), 0);
	assert_int_equal(cc_xlsx_bar_chart(w, NULL, 0, 1, 1, 1, NULL, 3, 8), 0);
	assert_int_equal(cc_xlsx_bar_chart(w, "图表", 0, 1, 2, 1, "bad range", 3, 0), CC_EINVAL);
	assert_int_equal(cc_xlsx_close(w, &err), 0);

	/* The first sheet's name was cut to 31 characters, at a character boundary. */
	char *wb = zip_part(path, "xl/workbook.xml");
	assert_non_null(wb);
	assert_non_null(strstr(
		wb, "name=\"供应链企业名单一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯\""));
	assert_non_null(strstr(wb, "name=\"图表\""));
	free(wb);
	/* The chart is in the second sheet and refers to the first. */
	char *chart = zip_part(path, "xl/charts/chart1.xml");
	assert_non_null(chart);
	assert_non_null(strstr(
		chart,
		"供应链企业名单一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯'!$A$2:$A$4"));
	assert_non_null(strstr(chart, "$B$2:$B$4"));
	assert_non_null(strstr(chart, "金额对比"));
	free(chart);
	char *rels = zip_part(path, "xl/worksheets/_rels/sheet2.xml.rels");
	assert_non_null(rels);
	assert_non_null(strstr(rels, "drawing"));
	free(rels);

	struct cc_xlsx_reader *x = NULL;
	assert_int_equal(cc_xlsx_open(&x, path, &err), 0);
	assert_true(cc_xlsx_progress(x) < 0.5);
	expect_row(x, 1, (const char *[]){"企业名称", "金额（万元）", "备注", "占比", NULL});
	expect_row(x, 2, (const char *[]){"华为技术有限公司", "12", "", "0.25", NULL});
	expect_row(x, 3, (const char *[]){"比亚迪股份有限公司", "1234.5", "", "-3", NULL});
	expect_row(x, 4, (const char *[]){"宁德时代", "不详", "00123", "1e400", NULL});
	/* Row 5 is all empty: skipped, and the numbering goes on. */
	expect_row(x, 6, (const char *[]){"", "0x1A", " 7", "12abc", NULL});
	expect_row(x, 7, (const char *[]){"末行", "0.1", "=1+1", "1e+20", NULL});
	expect_end(x);
	cc_xlsx_close(x);

	/* A NULL writer or reader is fine to close. */
	assert_int_equal(cc_xlsx_close((struct cc_xlsx_writer *)NULL, &err), 0);
	cc_xlsx_close((struct cc_xlsx_reader *)NULL);
}

/*
 * Numbers keep their value through write and read, in the shortest form. libxlsxwriter writes
 * numbers with "%.16G", so a double that needs 17 digits comes back one unit off in the last
 * place ("0.30000000000000004" as 0.3); reading 17 digits is tested in test_handbuilt.
 */
static void test_numbers(void **state)
{
	(void)state;
	static const char *const in[] = {"0",
					 "-0",
					 "1",
					 "-12",
					 "0.1",
					 "0.30000000000000004",
					 "123456789012345678",
					 "1.5e-7",
					 "3.14159265358979",
					 "2.5E3",
					 "1e15",
					 "9007199254740993",
					 NULL};
	static const char *const want[] = {"0",
					   "0",
					   "1",
					   "-12",
					   "0.1",
					   "0.3",
					   "1.234567890123457e+17",
					   "1.5e-07",
					   "3.14159265358979",
					   "2500",
					   "1e+15",
					   "9007199254740992",
					   NULL};
	const char *path = tmp_path("numbers.xlsx");
	struct cc_xlsx_writer *w = NULL;
	struct cc_xlsx_reader *x = NULL;
	struct cc_error err = {0};
	const enum cc_cell_type num = CC_CELL_NUMBER;
	assert_int_equal(cc_xlsx_create(&w, path, &err), 0);
	for (size_t i = 0; in[i]; i++)
		assert_int_equal(cc_xlsx_row(w, 1, &in[i], &num, 0, &err), 0); /* default sheet */
	assert_int_equal(cc_xlsx_close(w, &err), 0);
	assert_int_equal(cc_xlsx_open(&x, path, &err), 0);
	for (size_t i = 0; in[i]; i++) {
		struct cc_row row;
		assert_int_equal(cc_xlsx_next(x, &row, &err), 1);
		assert_int_equal(row.line, (long)i + 1);
		assert_int_equal(row.nfields, 1);
		assert_string_equal(row.fields[0], want[i]);
		double a = strtod(row.fields[0], NULL), b = strtod(in[i], NULL);
		assert_true(fabs(a - b) <= 1e-15 * fabs(b));
	}
	expect_end(x);
	cc_xlsx_close(x);
}

static const char content_types[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";

static const char root_rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";

#define REL_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

/* A package as another producer might write it: every odd corner the reader handles. */
static void test_handbuilt(void **state)
{
	(void)state;
	static const char workbook[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
		"xmlns:rel=\"" REL_NS "\">\n"
		"  <workbookPr defaultThemeVersion=\"124226\"/>\n"
		"  <sheets>\n"
		"    <sheet name=\"数据\" sheetId=\"4\" rel:id=\"rId7\"/>\n"
		"    <sheet name=\"其他\" sheetId=\"1\" rel:id=\"rId1\"/>\n"
		"  </sheets>\n"
		"</workbook>\n";
	static const char workbook_rels[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"" REL_NS
		"/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		"<Relationship Id=\"rId7\" Type=\"" REL_NS
		"/worksheet\" Target=\"/xl/worksheets/data.xml\"/>"
		"<Relationship Id=\"rId8\" Type=\"" REL_NS "/styles\" Target=\"./styles.xml\"/>"
		"<Relationship Id=\"rId9\" Type=\"" REL_NS
		"/sharedStrings\" Target=\"../xl/strings.xml\"/>"
		"<Relationship Id=\"rId10\" Type=\"" REL_NS
		"/hyperlink\" Target=\"http://x/\" TargetMode=\"External\"/>"
		"</Relationships>";
	static const char strings[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"5\" "
		"uniqueCount=\"5\">\n"
		"  <si><t>plain</t></si>\n"
		"  <si>\n    <r><rPr><b/><sz val=\"11\"/></rPr><t>富</t></r>\n"
		"    <r><t xml:space=\"preserve\"> 文本 </t></r>\n"
		"    <r><t>&amp;&lt;更多&gt;</t></r>\n  </si>\n"
		"  <si><t>漢字</t><rPh sb=\"0\" eb=\"2\"><t>かんじ</t></rPh><phoneticPr fontId=\"1\"/></si>\n"
		"  <si><t>a_x000D_b_x005F_x0041_</t></si>\n"
		"  <si><t/></si>\n"
		"</sst>\n";
	static const char styles[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<numFmts count=\"4\">"
		"<numFmt numFmtId=\"164\" formatCode=\"yyyy/mm/dd\\ hh:mm\"/>"
		"<numFmt numFmtId=\"165\" formatCode=\"&quot;day&quot;\\ 0.00\"/>"
		"<numFmt numFmtId=\"166\" formatCode=\"[Red]0.00;[Blue]\\-0.00\"/>"
		"<numFmt numFmtId=\"167\" formatCode=\"[$-804]yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
		"</numFmts>"
		"<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
		"<cellXfs count=\"7\">"
		"<xf numFmtId=\"0\" xfId=\"0\"/>"
		"<xf numFmtId=\"14\" xfId=\"0\" applyNumberFormat=\"1\"/>"
		"<xf numFmtId=\"164\" xfId=\"0\"/>"
		"<xf numFmtId=\"165\" xfId=\"0\"/>"
		"<xf numFmtId=\"166\" xfId=\"0\"/>"
		"<xf numFmtId=\"167\" xfId=\"0\"/>"
		"<xf numFmtId=\"4\" xfId=\"0\"/>"
		"</cellXfs>"
		"<dxfs count=\"1\"><dxf><numFmt numFmtId=\"4\" formatCode=\"yyyy\"/></dxf></dxfs>"
		"</styleSheet>";
	static const char sheet[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\n"
		"<dimension ref=\"A1:I9\"/><sheetData>\n"
		/* Row 1: shared, skipped B, inline string, skipped D, booleans. */
		"<row r=\"1\" spans=\"1:6\">"
		"<c r=\"A1\" t=\"s\"><v>0</v></c>"
		"<c r=\"C1\" t=\"inlineStr\"><is><t>内联</t></is></c>"
		"<c r=\"E1\" t=\"b\"><v>1</v></c><c r=\"F1\" t=\"b\"><v>0</v></c></row>\n"
		/* Row 2 is missing; row 3: dates and numbers that are not dates. */
		"<row r=\"3\">"
		"<c r=\"A3\" s=\"1\"><v>45000</v></c>"
		"<c r=\"B3\" s=\"1\"><v>59</v></c>"
		"<c r=\"C3\" s=\"1\"><v>61</v></c>"
		"<c r=\"D3\" s=\"1\"><v>60</v></c>"
		"<c r=\"E3\" s=\"2\"><v>45000.75</v></c>"
		"<c r=\"F3\" s=\"3\"><v>1.5</v></c>"
		"<c r=\"G3\" s=\"4\"><v>0.1</v></c>"
		"<c r=\"H3\" s=\"5\"><v>45000</v></c>"
		"<c r=\"I3\" s=\"6\"><v>45000</v></c>"
		"<c r=\"J3\"><v>0.30000000000000004</v></c>"
		"<c r=\"K3\"><v>123456789012345678</v></c>"
		"</row>\n"
		/* A row and cells without references: sequential. */
		"<row>"
		"<c t=\"s\"><v>1</v></c><c t=\"s\"><v>2</v></c><c><v>3.140</v></c>"
		"<c><v>1E+20</v></c><c><v>12.0</v></c><c s=\"1\"><v>0.5</v></c></row>\n"
		/* Only styled empty cells: no row. */
		"<row r=\"6\"><c r=\"A6\" s=\"1\"/><c r=\"B6\" t=\"s\"><v>4</v></c></row>\n"
		/* Errors, formula results, an inline rich string, escapes, -0, trailing empties. */
		"<row r=\"7\">"
		"<c r=\"A7\" t=\"s\"><v>3</v></c>"
		"<c r=\"B7\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
		"<c r=\"C7\" t=\"str\"><f>A1&amp;\"x\"</f><v>plainx</v></c>"
		"<c r=\"D7\"><f>A3+1</f><v>-0</v></c>"
		"<c r=\"E7\" t=\"inlineStr\"><is><r><t>甲</t></r><r><t xml:space=\"preserve\"> 乙</t></r>"
		"<rPh sb=\"0\" eb=\"1\"><t>こう</t></rPh></is></c>"
		"<c r=\"F7\" t=\"s\"><v>4</v></c><c r=\"G7\"/></row>\n"
		"<row r=\"9\"><c r=\"B9\" t=\"s\"><v>1</v></c><c r=\"XFD9\"><v>7</v></c></row>\n"
		"</sheetData></worksheet>\n";
	const struct entry e[] = {
		{"[Content_Types].xml", content_types},
		{"_rels/.rels", root_rels},
		{"xl/workbook.xml", workbook},
		{"xl/_rels/workbook.xml.rels", workbook_rels},
		{"xl/strings.xml", strings},
		{"xl/styles.xml", styles},
		{"xl/worksheets/data.xml", sheet},
		{"xl/worksheets/sheet1.xml",
		 "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\">"
		 "<is><t>wrong sheet</t></is></c></row></sheetData></worksheet>"},
	};
	const char *path = tmp_path("handbuilt.xlsx");
	struct cc_xlsx_reader *x = NULL;
	struct cc_error err = {0};
	make_zip(path, e, sizeof e / sizeof e[0]);
	if (cc_xlsx_open(&x, path, &err) != 0)
		fail_msg("open: %s", err.msg);
	expect_row(x, 1, (const char *[]){"plain", "", "内联", "", "TRUE", "FALSE", NULL});
	expect_row(x, 3,
		   (const char *[]){"2023-03-15", "1900-02-28", "1900-03-01", "1900-02-29",
				    "2023-03-15", "1.5", "0.1", "2023-03-15", "45000",
				    "0.30000000000000004", "1.2345678901234568e+17", NULL});
	expect_row(x, 4,
		   (const char *[]){"富 文本 &<更多>", "漢字", "3.14", "1e+20", "12", "0.5", NULL});
	expect_row(x, 7, (const char *[]){"a\rb_x0041_", "#DIV/0!", "plainx", "0", "甲 乙", NULL});
	struct cc_row row;
	assert_int_equal(cc_xlsx_next(x, &row, &err), 1);
	assert_int_equal(row.line, 9);
	assert_int_equal(row.nfields, 16384);
	assert_string_equal(row.fields[0], "");
	assert_string_equal(row.fields[1], "富 文本 &<更多>");
	assert_string_equal(row.fields[100], "");
	assert_string_equal(row.fields[16383], "7");
	expect_end(x);
	cc_xlsx_close(x);
}

/* The 1904 date system, a relative sheet path, a package without _rels/.rels or styles. */
/*
 * Writes an XLSX whose shared-strings part inflates to REPEAT copies of CHUNK (a "zip bomb":
 * a few MB on disk). The deflate data is made once: CHUNK compressed with a full flush is a
 * block that refers to nothing before it, so the stream is that block REPEAT times and an
 * empty final block, with the true size and CRC in the zip directory.
 */
static void make_bomb_in(const char *path, const char *head, const char *chunk, unsigned repeat,
			 const char *tail)
{
	static const char workbook[] =
		"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
		"xmlns:r=\"" REL_NS "\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"
		"</sheets></workbook>";
	static const char workbook_rels[] =
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"" REL_NS
		"/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		"<Relationship Id=\"rId2\" Type=\"" REL_NS
		"/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>";
	static const char sheet[] =
		"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData>"
		"</worksheet>";
	const struct entry e[] = {{"[Content_Types].xml", content_types},
				  {"_rels/.rels", root_rels},
				  {"xl/workbook.xml", workbook},
				  {"xl/_rels/workbook.xml.rels", workbook_rels},
				  {"xl/worksheets/sheet1.xml", sheet}};
	size_t n = strlen(chunk);
	unsigned char *block = malloc(n + 1024);
	unsigned char *hb = malloc(1024);
	assert_non_null(block);
	assert_non_null(hb);
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	/* The head, then the chunk: each its own flushed block(s). */
	zs.next_in = (unsigned char *)head;
	zs.avail_in = (unsigned)strlen(head);
	zs.next_out = hb;
	zs.avail_out = 1024;
	assert_int_equal(deflate(&zs, Z_FULL_FLUSH), Z_OK);
	size_t nh = 1024 - zs.avail_out;
	zs.next_in = (unsigned char *)chunk;
	zs.avail_in = (unsigned)n;
	zs.next_out = block;
	zs.avail_out = (unsigned)(n + 1024);
	assert_int_equal(deflate(&zs, Z_FULL_FLUSH), Z_OK);
	size_t nb = n + 1024 - zs.avail_out;
	deflateEnd(&zs);
	/* The tail as a final fixed-Huffman block of stored bytes is simplest done by zlib too. */
	unsigned char tb[64];
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (unsigned char *)tail;
	zs.avail_in = (unsigned)strlen(tail);
	zs.next_out = tb;
	zs.avail_out = sizeof tb;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size_t nt = sizeof tb - zs.avail_out;
	deflateEnd(&zs);

	uLong crc = crc32(0L, (const Bytef *)head, (uInt)strlen(head));
	uLong cc = crc32(0L, (const Bytef *)chunk, (uInt)n);
	for (unsigned i = 0; i < repeat; i++)
		crc = crc32_combine(crc, cc, (z_off_t)n);
	crc = crc32_combine(crc, crc32(0L, (const Bytef *)tail, (uInt)strlen(tail)),
			    (z_off_t)strlen(tail));
	ZPOS64_T total = strlen(head) + (ZPOS64_T)n * repeat + strlen(tail);

	zipFile z = zipOpen64(path, APPEND_STATUS_CREATE);
	assert_non_null(z);
	for (size_t i = 0; i < sizeof e / sizeof e[0]; i++) {
		assert_int_equal(zipOpenNewFileInZip(z, e[i].name, NULL, NULL, 0, NULL, 0, NULL,
						     Z_DEFLATED, Z_DEFAULT_COMPRESSION),
				 ZIP_OK);
		assert_int_equal(zipWriteInFileInZip(z, e[i].data, (unsigned)strlen(e[i].data)),
				 ZIP_OK);
		assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
	}
	assert_int_equal(zipOpenNewFileInZip2_64(z, "xl/sharedStrings.xml", NULL, NULL, 0, NULL, 0,
						 NULL, Z_DEFLATED, 9, 1, total > 0xFFFFFFFFu),
			 ZIP_OK);
	assert_int_equal(zipWriteInFileInZip(z, hb, (unsigned)nh), ZIP_OK);
	for (unsigned i = 0; i < repeat; i++)
		assert_int_equal(zipWriteInFileInZip(z, block, (unsigned)nb), ZIP_OK);
	assert_int_equal(zipWriteInFileInZip(z, tb, (unsigned)nt), ZIP_OK);
	assert_int_equal(zipCloseFileInZipRaw64(z, total, crc), ZIP_OK);
	assert_int_equal(zipClose(z, NULL), ZIP_OK);
	free(block);
	free(hb);
}

static void make_bomb(const char *path, const char *chunk, unsigned repeat)
{
	make_bomb_in(path,
		     "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
		     chunk, repeat, "</sst>");
}

/*
 * Decompression bombs (issue 13.6): a shared-strings part that declares 1.5 GB is refused
 * before anything is inflated, and one that stays under the declared-size ceiling but whose
 * strings exceed the memory budget is refused when the budget is reached; both name the part.
 */
static void test_bomb(void **state)
{
	(void)state;
	struct cc_xlsx_reader *x = NULL;
	struct cc_error err = {0};
	char *chunk = malloc((1u << 20) + 1);
	assert_non_null(chunk);
	/* 1 MiB of <si><t>AAA…</t></si> strings. */
	size_t k = 0;
	while (k + 1016 <= (1u << 20)) {
		memcpy(chunk + k, "<si><t>", 7);
		memset(chunk + k + 7, 'A', 1000);
		memcpy(chunk + k + 1007, "</t></si>", 9);
		k += 1016;
	}
	chunk[k] = '\0';

	const char *path = tmp_path("bomb.xlsx");
	make_bomb(path, chunk, 1500);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size < (8 << 20)); /* a few MB on disk */
	assert_int_equal(cc_xlsx_open(&x, path, &err), CC_EINVAL);
	assert_null(x);
	if (!strstr(err.msg, "xl/sharedStrings.xml expands beyond 512 MB"))
		print_error("message: %s\n", err.msg);
	assert_non_null(strstr(err.msg, "xl/sharedStrings.xml expands beyond 512 MB"));

	/* 300 MB of strings: under the declared-size ceiling, over the 256 MB memory budget. */
	path = tmp_path("bomb2.xlsx");
	make_bomb(path, chunk, 300);
	assert_int_equal(cc_xlsx_open(&x, path, &err), CC_EINVAL);
	assert_null(x);
	if (!strstr(err.msg, "shared strings of xl/sharedStrings.xml need more than 256 MB"))
		print_error("message: %s\n", err.msg);
	assert_non_null(
		strstr(err.msg, "shared strings of xl/sharedStrings.xml need more than 256 MB"));

	/* One 200 MB attribute: under every size ceiling, but expat holds a whole tag in its
	 * buffer; its memory is counted and refused at 64 MB, the part named. */
	path = tmp_path("bomb3.xlsx");
	memset(chunk, 'A', 1u << 20);
	chunk[1u << 20] = '\0';
	make_bomb_in(path,
		     "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		     "<si><t x=\"",
		     chunk, 200, "\">a</t></si></sst>");
	assert_int_equal(cc_xlsx_open(&x, path, &err), CC_EINVAL);
	assert_null(x);
	if (!strstr(err.msg, "xl/sharedStrings.xml holds a tag or name larger than the 64 MB"))
		print_error("message: %s\n", err.msg);
	assert_non_null(strstr(err.msg, "xl/sharedStrings.xml holds a tag or name larger than"));

	/* The same package with a small part reads fine (the bomb maker makes valid packages). */
	path = tmp_path("small.xlsx");
	make_bomb(path, "<si><t>ok</t></si>", 3);
	assert_int_equal(cc_xlsx_open(&x, path, &err), 0);
	struct cc_row row;
	assert_int_equal(cc_xlsx_next(x, &row, &err), 1);
	assert_string_equal(row.fields[0], "ok");
	cc_xlsx_close(x);
	free(chunk);
}

static void test_date1904(void **state)
{
	(void)state;
	const struct entry e[] = {
		{"xl/workbook.xml",
		 "<workbook xmlns:r=\"" REL_NS "\"><workbookPr date1904=\"1\"/>"
		 "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
		{"xl/_rels/workbook.xml.rels",
		 "<Relationships><Relationship Id=\"rId1\" Type=\"" REL_NS "/worksheet\" "
		 "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"" REL_NS
		 "/styles\" Target=\"styles.xml\"/></Relationships>"},
		{"xl/styles.xml",
		 "<styleSheet><cellXfs><xf/><xf numFmtId=\"22\"/></cellXfs></styleSheet>"},
		{"xl/worksheets/sheet1.xml",
		 "<worksheet><sheetData><row r=\"2\"><c r=\"A2\" s=\"1\"><v>0</v></c>"
		 "<c r=\"B2\" s=\"1\"><v>1461</v></c><c r=\"C2\" s=\"1\"><v>-1</v></c>"
		 "<c r=\"D2\" s=\"1\"><v>abc</v></c></row></sheetData></worksheet>"},
	};
	const char *path = tmp_path("d1904.xlsx");
	struct cc_xlsx_reader *x = NULL;
	struct cc_error err = {0};
	make_zip(path, e, sizeof e / sizeof e[0]);
	if (cc_xlsx_open(&x, path, &err) != 0)
		fail_msg("open: %s", err.msg);
	expect_row(x, 2, (const char *[]){"1904-01-01", "1908-01-01", "-1", "abc", NULL});
	expect_end(x);
	cc_xlsx_close(x);
}

/* Opens a zip of the given entries; expects failure CODE (at open or at the first row). */
static void expect_failure(const char *name, const struct entry *e, size_t n, int code,
			   const char *words)
{
	const char *p = tmp_path(name);
	char path[256];
	struct cc_xlsx_reader *x = NULL;
	struct cc_error err = {0};
	struct cc_row row;
	snprintf(path, sizeof path, "%s", p);
	make_zip(path, e, n);
	int rc = cc_xlsx_open(&x, path, &err);
	if (rc == 0) {
		do
			rc = cc_xlsx_next(x, &row, &err);
		while (rc == 1);
		/* The error sticks. */
		struct cc_error again = {0};
		assert_int_equal(cc_xlsx_next(x, &row, &again), rc);
		assert_string_equal(again.msg, err.msg);
		cc_xlsx_close(x);
	}
	assert_int_equal(rc, code);
	assert_int_equal(err.code, code);
	if (!strstr(err.msg, path) || !strstr(err.msg, words))
		fail_msg("message '%s' lacks '%s' or '%s'", err.msg, path, words);
}

static const char min_workbook[] =
	"<workbook xmlns:r=\"" REL_NS "\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"
	"</sheets></workbook>";
static const char min_rels[] =
	"<Relationships><Relationship Id=\"rId1\" Type=\"" REL_NS "/worksheet\" "
	"Target=\"worksheets/sheet1.xml\"/></Relationships>";

static void test_errors(void **state)
{
	(void)state;
	struct cc_xlsx_reader *x = NULL;
	struct cc_error err = {0};

	/* Not a file at all. */
	assert_int_equal(cc_xlsx_open(&x, tmp_path("missing.xlsx"), &err), CC_EIO);
	assert_non_null(strstr(err.msg, "missing.xlsx"));
	assert_null(x);

	/* Not a zip. */
	const char *csv = tmp_path("table.xlsx");
	FILE *f = fopen(csv, "wb");
	assert_non_null(f);
	fputs("名称,金额\n华为,12\n", f);
	fclose(f);
	assert_int_equal(cc_xlsx_open(&x, csv, &err), CC_EPARSE);
	char want[512];
	snprintf(want, sizeof want, "'%s' is not an XLSX workbook (not a zip file)", csv);
	assert_string_equal(err.msg, want);

	/* An empty file is not a zip either. */
	f = fopen(tmp_path("empty.xlsx"), "wb");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(cc_xlsx_open(&x, tmp_path("empty.xlsx"), &err), CC_EPARSE);

	/* A zip without a workbook. */
	const struct entry nowb[] = {{"readme.txt", "hello"}};
	expect_failure("nowb.xlsx", nowb, 1, CC_EPARSE,
		       "not an XLSX workbook (no xl/workbook.xml)");

	/* A workbook without sheets, and one whose sheet part is missing. */
	const struct entry nosheet[] = {{"xl/workbook.xml", "<workbook><sheets/></workbook>"}};
	expect_failure("nosheet.xlsx", nosheet, 1, CC_EPARSE, "no worksheet in");
	const struct entry nopart[] = {{"xl/workbook.xml", min_workbook},
				       {"xl/_rels/workbook.xml.rels", min_rels}};
	expect_failure("nopart.xlsx", nopart, 2, CC_EPARSE, "no worksheet in");

	/* Malformed XML: in the workbook (at open) and in the sheet (while reading). */
	const struct entry badwb[] = {{"xl/workbook.xml", "<workbook><sheets></workbook>"}};
	expect_failure("badwb.xlsx", badwb, 1, CC_EPARSE, "bad XML in");
	const struct entry badsheet[] = {
		{"xl/workbook.xml", min_workbook},
		{"xl/_rels/workbook.xml.rels", min_rels},
		{"xl/worksheets/sheet1.xml",
		 "<worksheet><sheetData>\n<row r=\"1\"><c t=\"inlineStr\"><is><t>ok</t></is></c></row>\n"
		 "<row r=\"2\"><c><v>1</c></row></sheetData></worksheet>"}};
	expect_failure("badsheet.xlsx", badsheet, 3, CC_EPARSE,
		       "(xl/worksheets/sheet1.xml, line 3)");
	const struct entry badsst[] = {{"xl/workbook.xml", min_workbook},
				       {"xl/_rels/workbook.xml.rels", min_rels},
				       {"xl/sharedStrings.xml", "<sst><si><t>x</si></sst>"},
				       {"xl/worksheets/sheet1.xml", "<worksheet/>"}};
	expect_failure("badsst.xlsx", badsst, 4, CC_EPARSE, "sharedStrings.xml, line 1");

	/* A cell past column XFD, and a shared string that does not exist. */
	const struct entry wide[] = {
		{"xl/workbook.xml", min_workbook},
		{"xl/_rels/workbook.xml.rels", min_rels},
		{"xl/worksheets/sheet1.xml",
		 "<worksheet><sheetData><row r=\"5\"><c r=\"XFE5\"><v>1</v></c></row></sheetData>"
		 "</worksheet>"}};
	expect_failure("wide.xlsx", wide, 3, CC_EPARSE, "row 5 of");
	const struct entry seq[] = {
		{"xl/workbook.xml", min_workbook},
		{"xl/_rels/workbook.xml.rels", min_rels},
		{"xl/worksheets/sheet1.xml",
		 "<worksheet><sheetData><row r=\"2\"><c r=\"XFD2\"><v>1</v></c><c><v>2</v></c></row>"
		 "</sheetData></worksheet>"}};
	expect_failure("seq.xlsx", seq, 3, CC_EPARSE, "more than 16384 columns");
	const struct entry sst[] = {
		{"xl/workbook.xml", min_workbook},
		{"xl/_rels/workbook.xml.rels", min_rels},
		{"xl/worksheets/sheet1.xml",
		 "<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>3</v></c></row></sheetData>"
		 "</worksheet>"}};
	expect_failure("sst.xlsx", sst, 3, CC_EPARSE, "shared string '3'");

	/* A truncated workbook: a valid one cut in half. */
	const struct entry ok[] = {
		{"xl/workbook.xml", min_workbook},
		{"xl/_rels/workbook.xml.rels", min_rels},
		{"xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>"}};
	make_zip(tmp_path("ok.xlsx"), ok, 3);
	f = fopen(tmp_path("ok.xlsx"), "rb");
	assert_non_null(f);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	f = fopen(tmp_path("cut.xlsx"), "wb");
	assert_non_null(f);
	fwrite(buf, 1, n / 2, f);
	fclose(f);
	assert_true(cc_xlsx_open(&x, tmp_path("cut.xlsx"), &err) < 0);
	assert_non_null(strstr(err.msg, "cut.xlsx"));

	/* An empty sheet is no error: no rows. */
	assert_int_equal(cc_xlsx_open(&x, tmp_path("ok.xlsx"), &err), 0);
	expect_end(x);
	cc_xlsx_close(x);

	/* Writing where no file can be made. */
	struct cc_xlsx_writer *w = NULL;
	assert_int_equal(cc_xlsx_create(&w, "/nonexistent-dir/x.xlsx", &err), CC_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent-dir/x.xlsx"));
	assert_null(w);
}

/* Many rows: streaming returns them in order, and progress moves. */
static void test_many_rows(void **state)
{
	(void)state;
	const char *path = tmp_path("many.xlsx");
	struct cc_xlsx_writer *w = NULL;
	struct cc_xlsx_reader *x = NULL;
	struct cc_error err = {0};
	const enum cc_cell_type types[] = {CC_CELL_NUMBER, CC_CELL_TEXT, CC_CELL_NUMBER};
	assert_int_equal(cc_xlsx_create(&w, path, &err), 0);
	assert_int_equal(cc_xlsx_add_sheet(w, "行", &err), 0);
	for (int i = 0; i < 20000; i++) {
		char a[16], b[32], c[32];
		snprintf(a, sizeof a, "%d", i);
		snprintf(b, sizeof b, "企业%d", i);
		snprintf(c, sizeof c, "%d.5", i);
		const char *v[] = {a, b, c};
		assert_int_equal(cc_xlsx_row(w, 3, v, types, 0, &err), 0);
	}
	assert_int_equal(cc_xlsx_close(w, &err), 0);
	assert_int_equal(cc_xlsx_open(&x, path, &err), 0);
	double last = 0;
	int moved = 0;
	for (int i = 0; i < 20000; i++) {
		struct cc_row row;
		char b[32];
		assert_int_equal(cc_xlsx_next(x, &row, &err), 1);
		assert_int_equal(row.line, i + 1);
		assert_int_equal(row.nfields, 3);
		assert_true(strtod(row.fields[0], NULL) == i);
		snprintf(b, sizeof b, "企业%d", i);
		assert_string_equal(row.fields[1], b);
		double p = cc_xlsx_progress(x);
		assert_true(p >= last && p <= 1.0);
		moved += p > last;
		last = p;
	}
	assert_true(moved > 1);
	expect_end(x);
	cc_xlsx_close(x);
}

/*
 * A page's table (cc_export_grid, the web's export): labels, then number cells as numbers
 * (<v>), a percent column as numbers with a percent format, text as text even when it looks
 * like a formula, null as an empty cell; the about pairs on a second sheet; a bad shape is
 * CC_EINVAL naming it.
 */
static void test_grid(void **state)
{
	(void)state;
	const char *path = tmp_path("grid.xlsx");
	struct cc_error err = {0};
	int64_t rows = 0;
	json_error_t je;
	json_t *spec = json_loads(
		"{\"sheet\":\"单点风险\",\"about_sheet\":\"说明\",\"about\":[[\"范围\",\"重庆市\"]],"
		"\"columns\":[{\"label\":\"企业\"},{\"label\":\"产值（万元）\",\"type\":\"number\"},"
		"{\"label\":\"占比\",\"type\":\"percent\"}],"
		"\"rows\":[[\"甲公司\",1234.5,0.125],[\"=1+1\",null,\"—\"],[\"乙\",-5]]}",
		0, &je);
	assert_non_null(spec);
	assert_int_equal(cc_export_grid(spec, path, &rows, &err), 0);
	assert_int_equal(rows, 3);
	struct cc_xlsx_reader *x = NULL;
	struct cc_row row;
	assert_int_equal(cc_xlsx_open(&x, path, &err), 0);
	assert_int_equal(cc_xlsx_next(x, &row, &err), 1);
	assert_string_equal(row.fields[1], "产值（万元）");
	assert_int_equal(cc_xlsx_next(x, &row, &err), 1);
	assert_string_equal(row.fields[0], "甲公司");
	assert_string_equal(row.fields[1], "1234.5");
	assert_string_equal(row.fields[2], "0.125");
	assert_int_equal(cc_xlsx_next(x, &row, &err), 1);
	assert_string_equal(row.fields[0], "=1+1");
	assert_string_equal(row.fields[1], "");
	assert_string_equal(row.fields[2], "—");
	assert_int_equal(cc_xlsx_next(x, &row, &err), 1);
	assert_string_equal(row.fields[1], "-5");
	expect_end(x);
	cc_xlsx_close(x);
	char *sheet = zip_part(path, "xl/worksheets/sheet1.xml");
	char *styles = zip_part(path, "xl/styles.xml");
	char *about = zip_part(path, "xl/worksheets/sheet2.xml");
	assert_non_null(sheet);
	assert_non_null(strstr(sheet, "<v>1234.5</v>"));
	assert_non_null(strstr(sheet, "<v>0.125</v>"));
	assert_non_null(strstr(sheet, "<v>-5</v>"));
	assert_null(strstr(sheet, "<f>"));
	assert_non_null(styles);
	assert_non_null(strstr(styles, "0.0%"));
	assert_non_null(about);
	assert_non_null(strstr(about, "重庆市"));
	free(sheet);
	free(styles);
	free(about);
	static const char *const bad[] = {
		"{\"columns\":[],\"rows\":[]}",
		"{\"columns\":[{\"label\":\"a\",\"type\":\"date\"}],\"rows\":[]}",
		"{\"columns\":[{\"type\":\"text\"}],\"rows\":[]}",
		"{\"columns\":[{\"label\":\"a\"}],\"rows\":[[1,2]]}",
		"{\"columns\":[{\"label\":\"a\"}],\"rows\":[[[1]]]}",
		"{\"columns\":[{\"label\":\"a\"}],\"rows\":{}}",
		NULL};
	for (int i = 0; bad[i]; i++) {
		json_t *b = json_loads(bad[i], 0, &je);
		assert_non_null(b);
		memset(&err, 0, sizeof err);
		assert_int_equal(cc_export_grid(b, tmp_path("bad.xlsx"), &rows, &err), CC_EINVAL);
		assert_true(err.msg[0] != '\0');
		json_decref(b);
	}
	json_decref(spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_read), cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_handbuilt),  cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_date1904),   cmocka_unit_test(test_errors),
		cmocka_unit_test(test_many_rows),  cmocka_unit_test(test_grid),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
