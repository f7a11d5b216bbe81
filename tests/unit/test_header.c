/*
 * Unit tests for the one header rule (base/header.c): what a header cell names, and that the
 * importer, the TTS network files and the MCDA matrix read the same headers through it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/header.h"
#include "risk/tts.h"

static int is(const char *cell, const char *name)
{
	return cc_header_is(cell, strlen(cell), name);
}

static void test_rule(void **state)
{
	(void)state;
	/* Case, spaces, hyphens and the edges. */
	assert_true(is("USCC", "uscc"));
	assert_true(is("  Main Revenue\t", "main_revenue"));
	assert_true(is("main-revenue", "main_revenue"));
	assert_true(is("main_revenue", "Main Revenue"));
	assert_false(is("mainrevenue", "main_revenue"));
	assert_false(is("revenue2", "revenue"));
	/* A byte-order mark (a file's first cell when the reader did not drop it). */
	assert_true(is("\xEF\xBB\xBFuscc", "uscc"));
	/* Units in parentheses, ASCII or full width, and the ideographic space. */
	assert_true(is("营业收入（万元）", "营业收入"));
	assert_true(is("revenue (10k yuan)", "revenue"));
	assert_true(is("\xE3\x80\x80期间\xE3\x80\x80", "期间"));
	/* A cell that begins with a parenthesis keeps it: it names nothing else. */
	assert_false(is("(万元)", ""));
	assert_false(is("（万元）", "万元"));
	/* Chinese aliases are compared byte for byte. */
	assert_true(is("统一社会信用代码", "统一社会信用代码"));
	assert_false(is("统一社会信用代码号", "统一社会信用代码"));
	assert_false(is("", "uscc"));
}

static void test_norm(void **state)
{
	(void)state;
	char out[32], again[32];
	size_t n = cc_header_norm(" Net-Profit (万元) ", 20, out, sizeof out);
	assert_string_equal(out, "net_profit");
	assert_int_equal(n, strlen("net_profit"));
	/* The normal form of a normal form is itself. */
	cc_header_norm(out, n, again, sizeof again);
	assert_string_equal(again, out);
	/* Cut to the buffer. */
	n = cc_header_norm("ABCDEFGH", 8, out, 5);
	assert_string_equal(out, "abcd");
	assert_int_equal(n, 4);
}

static void test_find(void **state)
{
	(void)state;
	static const char *const names[] = {"inventory_weeks", "库存周数", NULL};
	assert_int_equal(cc_header_find("Inventory Weeks", 15, names, -1), 0);
	assert_int_equal(cc_header_find("库存周数（周）", strlen("库存周数（周）"), names, -1), 1);
	assert_int_equal(cc_header_find("weeks", 5, names, -1), -1);
	assert_int_equal(cc_header_find("库存周数", strlen("库存周数"), names, 1), -1);
}

/* The TTS network files read headers by the same rule as the importer. */
static void test_tts_headers(void **state)
{
	(void)state;
	static const char nodes[] = "\xEF\xBB\xBF"
				    "ID,Kind,Capacity (units/week),库存（件）,Demand\n"
				    "s,Supplier,10,0,\np,plant,,5,4\n";
	static const char edges[] = "From, TO ,Material,Units\ns,p,m,1\n";
	struct tts_model m;
	struct cc_error err = {0};
	tts_model_init(&m);
	assert_int_equal(tts_parse_nodes(&m, nodes, sizeof nodes - 1, "n.csv", &err), 0);
	assert_int_equal(tts_parse_edges(&m, edges, sizeof edges - 1, "e.csv", &err), 0);
	assert_int_equal(m.nnodes, 2);
	assert_int_equal(m.nedges, 1);
	assert_true(m.nodes[0].capacity == 10);
	assert_true(m.nodes[1].inventory == 5);
	assert_true(m.nodes[1].demand == 4);
	tts_model_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_norm),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_tts_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
