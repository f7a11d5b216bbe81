/*
 * The schema as numbered migrations. Migration N brings PRAGMA user_version from N-1 to N;
 * a migration is never edited once released, only followed by another. Portable SQL where the
 * capability modules read it; SQLite-only features (WITHOUT ROWID, FTS5) stay here.
 */
#include <stddef.h>
#include "store/schema.h"

static const char *const migrations[] = {
	/* 1: registry, indicators, chain membership, supply edges, postings, audit. */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"INSERT INTO meta VALUES('generation','0');"
	"CREATE TABLE enterprises("
	"  id INTEGER PRIMARY KEY,"
	"  uscc TEXT NOT NULL CHECK(length(uscc)=18),"
	"  name TEXT NOT NULL CHECK(name<>''),"
	"  region INTEGER NOT NULL CHECK(region BETWEEN 110000 AND 829999),"
	"  industry TEXT,"
	"  founded TEXT,"
	"  scale TEXT CHECK(scale='large' OR scale='medium' OR scale='small' OR scale='micro'),"
	"  listed TEXT CHECK(listed='none' OR listed='main' OR listed='star' OR listed='gem' OR listed='bse' OR listed='neeq'),"
	"  certs TEXT,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT);"
	/* A named index, not a column constraint: a bulk load into an empty registry drops it and
	 * builds it again at the end, which is several times faster (io/import.c). Region and
	 * industry are searched through the frame, so they need no index. */
	"CREATE UNIQUE INDEX enterprises_uscc ON enterprises(uscc);"
	"CREATE TABLE indicators("
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  period INTEGER NOT NULL CHECK(period % 100 BETWEEN 0 AND 12),"
	"  revenue REAL, main_revenue REAL, output_value REAL, net_profit REAL,"
	"  total_assets REAL, total_liabilities REAL, op_cash_flow REAL, employees REAL,"
	"  rd_staff REAL, rd_expense REAL, invention_patents REAL, hightech_revenue REAL,"
	"  exports REAL, energy_tce REAL, tax REAL, local_purchase REAL, financing REAL,"
	"  PRIMARY KEY(enterprise_id, period)) WITHOUT ROWID;"
	"CREATE TABLE chain_members("
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  chain TEXT NOT NULL, node TEXT NOT NULL,"
	"  role TEXT NOT NULL DEFAULT 'member' CHECK(role='master' OR role='core' OR role='member'),"
	"  product TEXT,"
	"  PRIMARY KEY(enterprise_id, chain, node)) WITHOUT ROWID;"
	"CREATE INDEX chain_members_node ON chain_members(chain, node);"
	"CREATE TABLE supply_edges("
	"  supplier TEXT NOT NULL CHECK(length(supplier)=18),"
	"  buyer_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  product TEXT NOT NULL DEFAULT '',"
	"  chain TEXT, node TEXT,"
	"  annual_value REAL CHECK(annual_value IS NULL OR annual_value >= 0),"
	"  share REAL CHECK(share IS NULL OR (share >= 0 AND share <= 1)),"
	"  PRIMARY KEY(supplier, buyer_id, product));"
	"CREATE INDEX supply_edges_buyer ON supply_edges(buyer_id);"
	"CREATE TABLE postings("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK(kind='supply' OR kind='demand'),"
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  title TEXT NOT NULL CHECK(title<>''),"
	"  description TEXT, chain TEXT, node TEXT, quantity REAL CHECK(quantity IS NULL OR quantity>=0),"
	"  unit TEXT, region_pref TEXT, valid_until TEXT,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK(status='open' OR status='withdrawn'),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT,"
	"  UNIQUE(enterprise_id, kind, title));"
	"CREATE TABLE audit("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	"  actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT, before TEXT, after TEXT);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT,'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT,'the audit log is append-only'); END;"
	"CREATE TABLE imports("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  actor TEXT NOT NULL, file TEXT NOT NULL, kind TEXT NOT NULL, format TEXT,"
	"  rows INTEGER, accepted INTEGER, rejected INTEGER, seconds REAL);",
	/* 2: accounts and sessions (the server). */
	"CREATE TABLE users("
	"  id INTEGER PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE CHECK(length(username) BETWEEN 1 AND 60),"
	"  password_hash TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK(role='admin' OR role='analyst' OR role='chief' OR role='enterprise'),"
	"  uscc TEXT, chains TEXT,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  CHECK(role <> 'enterprise' OR uscc IS NOT NULL));"
	"CREATE TABLE sessions("
	"  token_hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  created INTEGER NOT NULL, last_seen INTEGER NOT NULL);"
	"CREATE INDEX sessions_user ON sessions(user_id);",
	/* 3: cultivation lists (lists/lists.c). A version is written once and never changed: its
	 * entries, and the reasons of its manual removals (list_exits), are append-only like the
	 * audit log. enterprise_id carries no foreign key on purpose: a re-import may drop an
	 * enterprise from the registry, and the lists that named it must still say so. */
	"CREATE TABLE lists("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE CHECK(length(name) BETWEEN 1 AND 100),"
	"  model TEXT NOT NULL,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE TABLE list_versions("
	"  id INTEGER PRIMARY KEY,"
	"  list_id INTEGER NOT NULL REFERENCES lists(id),"
	"  version INTEGER NOT NULL CHECK(version >= 1),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  actor TEXT NOT NULL, note TEXT,"
	"  source TEXT NOT NULL CHECK(source='model' OR source='manual'),"
	"  year INTEGER,"
	"  UNIQUE(list_id, version));"
	"CREATE TABLE list_entries("
	"  version_id INTEGER NOT NULL REFERENCES list_versions(id),"
	"  enterprise_id INTEGER NOT NULL,"
	"  tier TEXT NOT NULL CHECK(tier<>''),"
	"  score REAL, rank INTEGER,"
	"  source TEXT NOT NULL CHECK(source='model' OR source='manual'),"
	"  reason TEXT NOT NULL CHECK(source='model' OR trim(reason)<>''),"
	"  PRIMARY KEY(version_id, enterprise_id)) WITHOUT ROWID;"
	"CREATE INDEX list_entries_enterprise ON list_entries(enterprise_id);"
	"CREATE TABLE list_exits("
	"  version_id INTEGER NOT NULL REFERENCES list_versions(id),"
	"  enterprise_id INTEGER NOT NULL,"
	"  reason TEXT NOT NULL CHECK(trim(reason)<>''),"
	"  PRIMARY KEY(version_id, enterprise_id)) WITHOUT ROWID;"
	"CREATE TRIGGER list_versions_no_update BEFORE UPDATE ON list_versions"
	"  BEGIN SELECT RAISE(ABORT,'list versions are immutable'); END;"
	"CREATE TRIGGER list_versions_no_delete BEFORE DELETE ON list_versions"
	"  BEGIN SELECT RAISE(ABORT,'list versions are immutable'); END;"
	"CREATE TRIGGER list_entries_no_update BEFORE UPDATE ON list_entries"
	"  BEGIN SELECT RAISE(ABORT,'list versions are immutable'); END;"
	"CREATE TRIGGER list_entries_no_delete BEFORE DELETE ON list_entries"
	"  BEGIN SELECT RAISE(ABORT,'list versions are immutable'); END;"
	"CREATE TRIGGER list_exits_no_update BEFORE UPDATE ON list_exits"
	"  BEGIN SELECT RAISE(ABORT,'list versions are immutable'); END;"
	"CREATE TRIGGER list_exits_no_delete BEFORE DELETE ON list_exits"
	"  BEGIN SELECT RAISE(ABORT,'list versions are immutable'); END;",
	/* 4: 一企一策 cases (cases/cases.c) and their comments. */
	"CREATE TABLE cases("
	"  id INTEGER PRIMARY KEY,"
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
	"  kind TEXT NOT NULL CHECK(kind='finance' OR kind='land' OR kind='talent' OR"
	"    kind='permits' OR kind='technology' OR kind='market'),"
	"  title TEXT NOT NULL CHECK(trim(title)<>''),"
	"  detail TEXT,"
	"  department TEXT NOT NULL CHECK(trim(department)<>''),"
	"  owner TEXT, deadline TEXT,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK(status='open' OR status='in_progress' OR"
	"    status='resolved' OR status='declined'),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT, closed_at TEXT);"
	"CREATE INDEX cases_enterprise ON cases(enterprise_id);"
	"CREATE INDEX cases_department ON cases(department, status);"
	"CREATE TABLE case_comments("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  actor TEXT NOT NULL, text TEXT NOT NULL, status_from TEXT, status_to TEXT);"
	"CREATE INDEX case_comments_case ON case_comments(case_id);",
};

int cc_schema_count(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *cc_schema_migration(int n)
{
	return (n >= 1 && n <= cc_schema_count()) ? migrations[n - 1] : NULL;
}
