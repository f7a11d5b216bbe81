/*
 * Import of the interchange files of FORMATS.md (enterprises, indicators, chain members,
 * supply edges, postings, energy accounts) from CSV (UTF-8 or GB18030) or XLSX.
 *
 * Rules: headers by English id or Chinese name, in any order; unknown columns are warned about
 * once and ignored; missing required columns fail the file before any row is read. Every good
 * row loads and every bad row goes to the reject report; the file loads in one transaction, so
 * a crash leaves the database as it was. Re-importing a file changes nothing (upsert on the
 * file's key); columns absent from a file leave stored values alone, while an empty cell in a
 * present column stores NULL (unknown).
 */
#ifndef CC_IO_IMPORT_H
#define CC_IO_IMPORT_H
#include <stdint.h>
#include "base/error.h"
#include "store/store.h"

enum cc_kind_t {
	CC_KIND_AUTO = -1,
	CC_KIND_ENTERPRISES = 0,
	CC_KIND_INDICATORS,
	CC_KIND_MEMBERS,
	CC_KIND_SUPPLY,
	CC_KIND_POSTINGS,
	CC_KIND_ENERGY,	      /* energy.csv: energy use by carrier (green/, issue 16) */
	CC_KIND_PATENTS,      /* patents.csv: patents and their holders (innov/, issue 17) */
	CC_KIND_FLAGS,	      /* flags.csv: compliance flags the laggard screen reads (green/) */
	CC_KIND_RECOGNITIONS, /* recognitions.csv: green manufacturing lists (green/) */
	CC_KIND_PLATFORMS,    /* platforms.csv: innovation platforms (innov/, issue 17) */
	CC_KIND_CONSORTIA,    /* consortia.csv: innovation consortia (innov/, issue 17) */
	CC_KIND_COUNT
};

/* "enterprises", "indicators", "chain_members", "supply", "postings", "energy", "patents". */
const char *cc_kind_name(int kind);
/* Parses a kind name (also "members", the file stem "chain_members" ...); -1 if unknown. */
int cc_kind_parse(const char *s);
/*
 * The Chinese label the importer also reads for coded value ID (N bytes) of COLUMN (scale,
 * listed, certs — one certificate —, role, kind): "large" → "大型". NULL for another column or
 * an unknown value. A static string.
 */
const char *cc_value_zh(const char *column, const char *id, size_t n);

struct cc_import_opts {
	int kind;		  /* enum cc_kind_t; CC_KIND_AUTO guesses from the header */
	const char *display_name; /* the file's name as its user knows it (an upload's original
				     name), for messages and the import log; NULL: PATH's base
				     name in messages, PATH in the log */
	const char *rejects_path; /* reject report CSV to write, or NULL for none */
	const char *actor;	  /* who imports, for the audit trail ("cli" if NULL) */
	int progress;		  /* draw a progress bar on a terminal */
	int dry_run;		  /* validate only, roll back at the end */
	int exclusive;		  /* the caller is the database's only user (the CLI): a big
				     import may switch to a rollback journal while it runs, so
				     pages are written once instead of twice (WAL + checkpoint) */
};

#define CC_IMPORT_MAX_WARNINGS 32

/*
 * Bounds on what one file can make an import do (FORMATS.md, "Limits"). A file of more rows
 * than CC_IMPORT_MAX_ROWS is refused whole (nothing loaded). The reject report lists the
 * problems of the first CC_IMPORT_REPORT_MAX_ROWS rejected rows and at most
 * CC_IMPORT_REPORT_MAX_BYTES bytes; past either, rejected rows are counted but not listed, and
 * the report's last line and a warning in the result say how many were left out.
 */
#define CC_IMPORT_MAX_ROWS	   20000000LL
#define CC_IMPORT_REPORT_MAX_ROWS  10000
#define CC_IMPORT_REPORT_MAX_BYTES (16u << 20)

struct cc_import_result {
	int kind;
	const char *format; /* "utf-8", "gb18030", "xlsx" */
	int64_t rows, accepted, rejected;
	int64_t unlisted; /* rejected rows not listed in the reject report (its limits) */
	int64_t changed;  /* accepted rows that inserted or changed a row (a re-import: 0) */
	double seconds;
	int nwarnings;
	char *warnings[CC_IMPORT_MAX_WARNINGS]; /* malloc'd; cc_import_result_release frees */
};

/*
 * Imports PATH into ST. Returns 0 when every row loaded, CC_EREJECT when the file loaded but
 * some rows were rejected, or another negative CC_E* when nothing was loaded (unreadable file,
 * wrong encoding, missing columns, too many rows, database failure: ERR says which and where,
 * naming the file by OPTS->display_name or PATH's base name, never by a path the user did not
 * give). RES is filled in every case as far as the import got.
 *
 * A row is rejected, never the file, for a malformed CSV record (an unclosed quote, a stray
 * quote: see cc_csv_next for where the record ends), a NUL byte in any cell, or a control
 * character other than tab in any cell (line breaks are allowed in a posting's description).
 */
int cc_import_file(struct cc_store *st, const char *path, const struct cc_import_opts *opts,
		   struct cc_import_result *res, struct cc_error *err);
void cc_import_result_release(struct cc_import_result *res);

/* Column of an interchange file. */
struct cc_column {
	const char *id;
	const char *name_zh;
	int required;
};

/* The columns of KIND in file order (NULL-terminated by id). */
const struct cc_column *cc_kind_columns(int kind);

struct cc_buf;
/*
 * Appends to B, in Chinese for the people who fill in a file, what column COL (index into
 * cc_kind_columns(KIND)) accepts: the words of a coded column in both spellings the importer
 * reads (大型 or large ...), or the form of a value (dates, codes, numbers and their unit). The
 * import templates print it.
 */
void cc_column_rule_zh(int kind, int col, struct cc_buf *b);

#endif
