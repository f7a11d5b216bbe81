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
	/* 5: supply–demand matching (match/): posting contact and author, full-text indexes (FTS5
	 * trigram: Chinese substrings of 3+ characters), subscriptions with their inbox, and deals
	 * (a match marked contacted / agreed / failed) with their history. */
	"ALTER TABLE postings ADD COLUMN contact TEXT;"
	"ALTER TABLE postings ADD COLUMN created_by TEXT;"
	"CREATE INDEX postings_node ON postings(chain, node, kind);"
	"CREATE INDEX postings_enterprise ON postings(enterprise_id);"
	"CREATE VIRTUAL TABLE postings_fts USING fts5(title, description, content='postings',"
	"  content_rowid='id', tokenize='trigram');"
	"INSERT INTO postings_fts(postings_fts) VALUES('rebuild');"
	"CREATE TRIGGER postings_fts_ai AFTER INSERT ON postings BEGIN"
	"  INSERT INTO postings_fts(rowid, title, description) VALUES(new.id, new.title, new.description);"
	"  END;"
	"CREATE TRIGGER postings_fts_ad AFTER DELETE ON postings BEGIN"
	"  INSERT INTO postings_fts(postings_fts, rowid, title, description)"
	"    VALUES('delete', old.id, old.title, old.description);"
	"  END;"
	"CREATE TRIGGER postings_fts_au AFTER UPDATE OF title, description ON postings BEGIN"
	"  INSERT INTO postings_fts(postings_fts, rowid, title, description)"
	"    VALUES('delete', old.id, old.title, old.description);"
	"  INSERT INTO postings_fts(rowid, title, description) VALUES(new.id, new.title, new.description);"
	"  END;"
	/* What each registered enterprise sells and buys (products of its supply edges); rowid is
	 * the enterprise id. Rebuilt after imports (match_index_rebuild), not kept by triggers. */
	"CREATE VIRTUAL TABLE enterprise_fts USING fts5(sells, buys, tokenize='trigram');"
	"CREATE TABLE subscriptions("
	"  id INTEGER PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  what TEXT NOT NULL CHECK(what='node' OR what='region' OR what='keyword'),"
	"  value TEXT NOT NULL CHECK(trim(value)<>''),"
	"  kind TEXT CHECK(kind IS NULL OR kind='supply' OR kind='demand'),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  UNIQUE(user_id, what, value, kind));"
	"CREATE TABLE inbox("
	"  id INTEGER PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,"
	"  posting_id INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  read_at TEXT,"
	"  UNIQUE(user_id, posting_id, subscription_id));"
	"CREATE INDEX inbox_user ON inbox(user_id, id);"
	"CREATE TABLE deals("
	"  id INTEGER PRIMARY KEY,"
	"  posting_id INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,"
	"  cp_posting_id INTEGER REFERENCES postings(id) ON DELETE CASCADE,"
	"  cp_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  supplier_id INTEGER NOT NULL REFERENCES enterprises(id),"
	"  buyer_id INTEGER NOT NULL REFERENCES enterprises(id),"
	"  chain TEXT,"
	"  status TEXT NOT NULL CHECK(status='contacted' OR status='agreed' OR status='failed'),"
	"  value REAL CHECK(value IS NULL OR value >= 0),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  UNIQUE(posting_id, cp_enterprise_id, cp_posting_id));"
	"CREATE TABLE deal_events("
	"  id INTEGER PRIMARY KEY,"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,"
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  actor TEXT NOT NULL, status TEXT NOT NULL, value REAL, comment TEXT);"
	"CREATE INDEX deal_events_deal ON deal_events(deal_id);",
	/* 6: one trigram index per kind of posting, for matching: a demand is matched against the
	 * supply index only, so the index's own top rows are all candidates (postings_fts, every
	 * kind, stays for searches). Kept by triggers; a posting never changes kind. */
	"CREATE VIRTUAL TABLE postings_fts_supply USING fts5(title, description, content='postings',"
	"  content_rowid='id', tokenize='trigram');"
	"CREATE VIRTUAL TABLE postings_fts_demand USING fts5(title, description, content='postings',"
	"  content_rowid='id', tokenize='trigram');"
	"INSERT INTO postings_fts_supply(rowid, title, description)"
	"  SELECT id, title, description FROM postings WHERE kind = 'supply';"
	"INSERT INTO postings_fts_demand(rowid, title, description)"
	"  SELECT id, title, description FROM postings WHERE kind = 'demand';"
	"CREATE TRIGGER postings_fts_supply_ai AFTER INSERT ON postings WHEN new.kind = 'supply' BEGIN"
	"  INSERT INTO postings_fts_supply(rowid, title, description)"
	"    VALUES(new.id, new.title, new.description);"
	"  END;"
	"CREATE TRIGGER postings_fts_demand_ai AFTER INSERT ON postings WHEN new.kind = 'demand' BEGIN"
	"  INSERT INTO postings_fts_demand(rowid, title, description)"
	"    VALUES(new.id, new.title, new.description);"
	"  END;"
	"CREATE TRIGGER postings_fts_supply_ad AFTER DELETE ON postings WHEN old.kind = 'supply' BEGIN"
	"  INSERT INTO postings_fts_supply(postings_fts_supply, rowid, title, description)"
	"    VALUES('delete', old.id, old.title, old.description);"
	"  END;"
	"CREATE TRIGGER postings_fts_demand_ad AFTER DELETE ON postings WHEN old.kind = 'demand' BEGIN"
	"  INSERT INTO postings_fts_demand(postings_fts_demand, rowid, title, description)"
	"    VALUES('delete', old.id, old.title, old.description);"
	"  END;"
	"CREATE TRIGGER postings_fts_supply_au AFTER UPDATE OF title, description ON postings"
	"  WHEN old.kind = 'supply' BEGIN"
	"  INSERT INTO postings_fts_supply(postings_fts_supply, rowid, title, description)"
	"    VALUES('delete', old.id, old.title, old.description);"
	"  INSERT INTO postings_fts_supply(rowid, title, description)"
	"    VALUES(new.id, new.title, new.description);"
	"  END;"
	"CREATE TRIGGER postings_fts_demand_au AFTER UPDATE OF title, description ON postings"
	"  WHEN old.kind = 'demand' BEGIN"
	"  INSERT INTO postings_fts_demand(postings_fts_demand, rowid, title, description)"
	"    VALUES('delete', old.id, old.title, old.description);"
	"  INSERT INTO postings_fts_demand(rowid, title, description)"
	"    VALUES(new.id, new.title, new.description);"
	"  END;",
	/* 7: what enterprises sell and what they buy in two indexes (a column filter on one table
	 * still walks both columns' hits); filled by match_index_rebuild on the next refresh. */
	"DROP TABLE enterprise_fts;"
	"CREATE VIRTUAL TABLE enterprise_sells_fts USING fts5(products, tokenize='trigram');"
	"CREATE VIRTUAL TABLE enterprise_buys_fts USING fts5(products, tokenize='trigram');"
	"DELETE FROM meta WHERE key = 'match_index_generation';",
	/* 8: document frequencies of the matching indexes' trigrams (fts5vocab, no data of its
	 * own): the partial pass of matching keeps the rarest trigrams (match/rank.c). */
	"CREATE VIRTUAL TABLE postings_vocab_supply USING fts5vocab(postings_fts_supply, 'row');"
	"CREATE VIRTUAL TABLE postings_vocab_demand USING fts5vocab(postings_fts_demand, 'row');"
	"CREATE VIRTUAL TABLE enterprise_sells_vocab USING fts5vocab(enterprise_sells_fts, 'row');"
	"CREATE VIRTUAL TABLE enterprise_buys_vocab USING fts5vocab(enterprise_buys_fts, 'row');",
	/* 9: what enterprises sell and buy as one index of distinct products (a few thousand
	 * short rows where the per-enterprise documents were hundreds of thousands) and who sells
	 * / buys each; filled by match_index_rebuild on the next refresh. */
	"DROP TABLE enterprise_sells_vocab;"
	"DROP TABLE enterprise_buys_vocab;"
	"DROP TABLE enterprise_sells_fts;"
	"DROP TABLE enterprise_buys_fts;"
	"CREATE TABLE match_products(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
	"CREATE VIRTUAL TABLE match_products_fts USING fts5(name, content='match_products',"
	"  content_rowid='id', tokenize='trigram');"
	"CREATE TABLE match_sellers(product_id INTEGER NOT NULL, enterprise_id INTEGER NOT NULL,"
	"  PRIMARY KEY(product_id, enterprise_id)) WITHOUT ROWID;"
	"CREATE INDEX match_sellers_enterprise ON match_sellers(enterprise_id);"
	"CREATE TABLE match_buyers(product_id INTEGER NOT NULL, enterprise_id INTEGER NOT NULL,"
	"  PRIMARY KEY(product_id, enterprise_id)) WITHOUT ROWID;"
	"CREATE INDEX match_buyers_enterprise ON match_buyers(enterprise_id);"
	"DELETE FROM meta WHERE key = 'match_index_generation';",
	/* 10: a revision on postings: meta 'postings_rev' counts every insert, update (of the
	 * columns ranking reads) and delete, and an inserted or updated row keeps the count
	 * (match/fields.c reads the rows written since it last looked). */
	"ALTER TABLE postings ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX postings_rev ON postings(rev);"
	"INSERT INTO meta(key, value) VALUES('postings_rev', '0');"
	"CREATE TRIGGER postings_rev_ai AFTER INSERT ON postings BEGIN"
	"  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'postings_rev';"
	"  UPDATE postings SET rev = (SELECT CAST(value AS INTEGER) FROM meta"
	"    WHERE key = 'postings_rev') WHERE id = new.id;"
	"  END;"
	"CREATE TRIGGER postings_rev_au AFTER UPDATE OF kind, enterprise_id, title, description,"
	"  chain, node, quantity, unit, valid_until, status ON postings BEGIN"
	"  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'postings_rev';"
	"  UPDATE postings SET rev = (SELECT CAST(value AS INTEGER) FROM meta"
	"    WHERE key = 'postings_rev') WHERE id = new.id;"
	"  END;"
	"CREATE TRIGGER postings_rev_ad AFTER DELETE ON postings BEGIN"
	"  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'postings_rev';"
	"  END;"
	/* The partial pass counts trigrams in the indexes themselves now (match/rank.c). */
	"DROP TABLE postings_vocab_supply;"
	"DROP TABLE postings_vocab_demand;",
	/* 11: one subscription per user, what, value and kind, also without a kind: UNIQUE of
	 * migration 5 takes two NULL kinds for different, so following a keyword twice made two
	 * rows (and two inbox rows per posting). Duplicates go, with their inbox rows. */
	"DELETE FROM subscriptions WHERE id NOT IN (SELECT min(id) FROM subscriptions"
	"  GROUP BY user_id, what, value, coalesce(kind, ''));"
	"CREATE UNIQUE INDEX subscriptions_once ON subscriptions(user_id, what, value,"
	"  coalesce(kind, ''));",
	/* 12: the change log (followed by frame/frame.c): every write to a table the frame reads
	 * adds a row in the same transaction, by triggers, whoever writes (a handler, the CLI,
	 * another process, the sqlite3 shell). Kinds: 1 an enterprise added or its code or id
	 * changed, 2 an enterprise's registry fields, 3 an enterprise deleted, 4 an indicator row
	 * (enterprise, period), 5 chain membership, 6 supply edges (by buyer), 9 everything (a
	 * bulk import, which turns row logging off for its own transaction by a meta row
	 * 'log_bulk' that it deletes before it commits, so no other reader ever sees it).
	 * AUTOINCREMENT: a sequence number is never reused once pruned. Readers holding a frame
	 * register the sequence they have applied in change_readers; rows all of them have
	 * applied are pruned. The first row makes every frame built before it rebuild. */
	"CREATE TABLE changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER NOT NULL,"
	"  entity INTEGER NOT NULL, period INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO changes(kind, entity) VALUES(9, 0);"
	"CREATE TABLE change_readers(name TEXT PRIMARY KEY, seq INTEGER NOT NULL,"
	"  seen_at INTEGER NOT NULL);"
	"CREATE TRIGGER changes_ent_ai AFTER INSERT ON enterprises"
	"  WHEN (SELECT 1 FROM meta WHERE key = 'log_bulk') IS NULL BEGIN"
	"  INSERT INTO changes(kind, entity) VALUES(1, new.id);"
	"  END;"
	"CREATE TRIGGER changes_ent_au AFTER UPDATE ON enterprises"
	"  WHEN (SELECT 1 FROM meta WHERE key = 'log_bulk') IS NULL BEGIN"
	"  INSERT INTO changes(kind, entity) VALUES(CASE WHEN old.id = new.id AND"
	"    old.uscc = new.uscc THEN 2 ELSE 1 END, new.id);"
	"  INSERT INTO changes(kind, entity) SELECT 3, old.id WHERE old.id <> new.id;"
	"  END;"
	"CREATE TRIGGER changes_ent_ad AFTER DELETE ON enterprises"
	"  WHEN (SELECT 1 FROM meta WHERE key = 'log_bulk') IS NULL BEGIN"
	"  INSERT INTO changes(kind, entity) VALUES(3, old.id);"
	"  END;"
	"CREATE TRIGGER changes_ind_ai AFTER INSERT ON indicators"
	"  WHEN (SELECT 1 FROM meta WHERE key = 'log_bulk') IS NULL BEGIN"
	"  INSERT INTO changes(kind, entity, period) VALUES(4, new.enterprise_id, new.period);"
	"  END;"
	"CREATE TRIGGER changes_ind_au AFTER UPDATE ON indicators"
	"  WHEN (SELECT 1 FROM meta WHERE key = 'log_bulk') IS NULL BEGIN"
	"  INSERT INTO changes(kind, entity, period) VALUES(4, new.enterprise_id, new.period);"
	"  INSERT INTO changes(kind, entity, period) SELECT 4, old.enterprise_id, old.period"
	"    WHERE old.enterprise_id <> new.enterprise_id OR old.period <> new.period;"
	"  END;"
	"CREATE TRIGGER changes_ind_ad AFTER DELETE ON indicators"
	"  WHEN (SELECT 1 FROM meta WHERE key = 'log_bulk') IS NULL BEGIN"
	"  INSERT INTO changes(kind, entity, period) VALUES(4, old.enterprise_id, old.period);"
	"  END;"
	"CREATE TRIGGER changes_mem_ai AFTER INSERT ON chain_members"
	"  WHEN (SELECT 1 FROM meta WHERE key = 'log_bulk') IS NULL BEGIN"
	"  INSERT INTO changes(kind, entity) VALUES(5, new.enterprise_id);"
	"  END;"
	"CREATE TRIGGER changes_mem_au AFTER UPDATE ON chain_members"
	"  WHEN (SELECT 1 FROM meta WHERE key = 'log_bulk') IS NULL BEGIN"
	"  INSERT INTO changes(kind, entity) VALUES(5, new.enterprise_id);"
	"  INSERT INTO changes(kind, entity) SELECT 5, old.enterprise_id"
	"    WHERE old.enterprise_id <> new.enterprise_id;"
	"  END;"
	"CREATE TRIGGER changes_mem_ad AFTER DELETE ON chain_members"
	"  WHEN (SELECT 1 FROM meta WHERE key = 'log_bulk') IS NULL BEGIN"
	"  INSERT INTO changes(kind, entity) VALUES(5, old.enterprise_id);"
	"  END;"
	"CREATE TRIGGER changes_edge_ai AFTER INSERT ON supply_edges"
	"  WHEN (SELECT 1 FROM meta WHERE key = 'log_bulk') IS NULL BEGIN"
	"  INSERT INTO changes(kind, entity) VALUES(6, new.buyer_id);"
	"  END;"
	"CREATE TRIGGER changes_edge_au AFTER UPDATE ON supply_edges"
	"  WHEN (SELECT 1 FROM meta WHERE key = 'log_bulk') IS NULL BEGIN"
	"  INSERT INTO changes(kind, entity) VALUES(6, new.buyer_id);"
	"  INSERT INTO changes(kind, entity) SELECT 6, old.buyer_id"
	"    WHERE old.buyer_id <> new.buyer_id;"
	"  END;"
	"CREATE TRIGGER changes_edge_ad AFTER DELETE ON supply_edges"
	"  WHEN (SELECT 1 FROM meta WHERE key = 'log_bulk') IS NULL BEGIN"
	"  INSERT INTO changes(kind, entity) VALUES(6, old.buyer_id);"
	"  END;",
	/* 13: a deal is agreed only when both sides confirm it (match/social.c): until then an
	 * agreement one side marked is 'proposed', with the side that confirmed it in
	 * supplier_confirmed / buyer_confirmed. SQLite cannot change a CHECK in place, so deals
	 * is rebuilt (its events kept aside meanwhile, as they reference it). Deals agreed before
	 * keep their status, confirmed by both sides, except those valued above the cap of
	 * MATCH_DEAL_VALUE_MAX (10^7 万元): they become proposed, to be confirmed again. */
	"CREATE TABLE deals_new("
	"  id INTEGER PRIMARY KEY,"
	"  posting_id INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,"
	"  cp_posting_id INTEGER REFERENCES postings(id) ON DELETE CASCADE,"
	"  cp_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  supplier_id INTEGER NOT NULL REFERENCES enterprises(id),"
	"  buyer_id INTEGER NOT NULL REFERENCES enterprises(id),"
	"  chain TEXT,"
	"  status TEXT NOT NULL CHECK(status='contacted' OR status='proposed' OR status='agreed'"
	"    OR status='failed'),"
	"  value REAL CHECK(value IS NULL OR value >= 0),"
	"  supplier_confirmed INTEGER NOT NULL DEFAULT 0 CHECK(supplier_confirmed IN (0, 1)),"
	"  buyer_confirmed INTEGER NOT NULL DEFAULT 0 CHECK(buyer_confirmed IN (0, 1)),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  UNIQUE(posting_id, cp_enterprise_id, cp_posting_id));"
	"INSERT INTO deals_new(id, posting_id, cp_posting_id, cp_enterprise_id, supplier_id,"
	"  buyer_id, chain, status, value, supplier_confirmed, buyer_confirmed, created_at,"
	"  updated_at)"
	"  SELECT id, posting_id, cp_posting_id, cp_enterprise_id, supplier_id, buyer_id, chain,"
	"    CASE WHEN status = 'agreed' AND value > 1e7 THEN 'proposed' ELSE status END, value,"
	"    status = 'agreed' AND coalesce(value, 0) <= 1e7,"
	"    status = 'agreed' AND coalesce(value, 0) <= 1e7, created_at, updated_at FROM deals;"
	"CREATE TABLE deal_events_kept AS SELECT * FROM deal_events;"
	"DROP TABLE deal_events;"
	"DROP TABLE deals;"
	"ALTER TABLE deals_new RENAME TO deals;"
	"CREATE TABLE deal_events("
	"  id INTEGER PRIMARY KEY,"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,"
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  actor TEXT NOT NULL, status TEXT NOT NULL, value REAL, comment TEXT);"
	"INSERT INTO deal_events(id, deal_id, at, actor, status, value, comment)"
	"  SELECT id, deal_id, at, actor, status, value, comment FROM deal_events_kept;"
	"DROP TABLE deal_events_kept;"
	"CREATE INDEX deal_events_deal ON deal_events(deal_id);",
	/* 14: energy and carbon accounts (green/, issue 16). One row per enterprise, year and
	 * carrier (data/green/factors.json), the quantity in the carrier's canonical unit and its
	 * equivalent-value tce as converted when imported. Carriers win over an imported
	 * energy_tce: the triggers keep indicators.energy_tce equal to the sum of the year's
	 * carriers (inserting the indicators row when missing) whoever writes either table, and
	 * the indicators' own triggers (migration 12) log the change for the frame. The total is
	 * rounded to 10^-6 tce (1 gce), so that it is a short decimal in files. Value added
	 * (工业增加值, 万元) is per enterprise and year, a denominator of the intensities. */
	"CREATE TABLE energy_accounts("
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  period INTEGER NOT NULL CHECK(period % 100 = 0),"
	"  carrier TEXT NOT NULL CHECK(carrier <> ''),"
	"  quantity REAL NOT NULL CHECK(quantity >= 0),"
	"  tce REAL NOT NULL CHECK(tce >= 0),"
	"  PRIMARY KEY(enterprise_id, period, carrier)) WITHOUT ROWID;"
	"CREATE TABLE green_periods("
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  period INTEGER NOT NULL CHECK(period % 100 = 0),"
	"  value_added REAL CHECK(value_added IS NULL OR value_added >= 0),"
	"  PRIMARY KEY(enterprise_id, period)) WITHOUT ROWID;"
	"CREATE TRIGGER energy_total_ai AFTER INSERT ON energy_accounts BEGIN"
	"  INSERT INTO indicators(enterprise_id, period, energy_tce)"
	"    VALUES(new.enterprise_id, new.period, (SELECT round(sum(tce), 6) FROM energy_accounts"
	"      WHERE enterprise_id = new.enterprise_id AND period = new.period))"
	"    ON CONFLICT(enterprise_id, period) DO UPDATE SET energy_tce = excluded.energy_tce"
	"    WHERE energy_tce IS NOT excluded.energy_tce;"
	"  END;"
	"CREATE TRIGGER energy_total_au AFTER UPDATE ON energy_accounts BEGIN"
	"  INSERT INTO indicators(enterprise_id, period, energy_tce)"
	"    VALUES(new.enterprise_id, new.period, (SELECT round(sum(tce), 6) FROM energy_accounts"
	"      WHERE enterprise_id = new.enterprise_id AND period = new.period))"
	"    ON CONFLICT(enterprise_id, period) DO UPDATE SET energy_tce = excluded.energy_tce"
	"    WHERE energy_tce IS NOT excluded.energy_tce;"
	"  END;"
	"CREATE TRIGGER energy_total_ad AFTER DELETE ON energy_accounts BEGIN"
	"  UPDATE indicators SET energy_tce = (SELECT round(sum(tce), 6) FROM energy_accounts"
	"    WHERE enterprise_id = old.enterprise_id AND period = old.period)"
	"    WHERE enterprise_id = old.enterprise_id AND period = old.period;"
	"  END;"
	"CREATE TRIGGER energy_wins_iu AFTER UPDATE OF energy_tce ON indicators"
	"  WHEN EXISTS(SELECT 1 FROM energy_accounts WHERE enterprise_id = new.enterprise_id"
	"    AND period = new.period) BEGIN"
	"  UPDATE indicators SET energy_tce = (SELECT round(sum(tce), 6) FROM energy_accounts"
	"    WHERE enterprise_id = new.enterprise_id AND period = new.period)"
	"    WHERE enterprise_id = new.enterprise_id AND period = new.period"
	"    AND energy_tce IS NOT (SELECT round(sum(tce), 6) FROM energy_accounts"
	"    WHERE enterprise_id = new.enterprise_id AND period = new.period);"
	"  END;"
	/* The importer's one statement per row (io/import.c): the carrier and the year's value
	 * added, each written only when given and only when it changes (a re-import writes
	 * nothing). */
	"CREATE VIEW energy_rows AS SELECT enterprise_id, period, carrier, quantity, tce,"
	"  NULL AS value_added FROM energy_accounts;"
	"CREATE TRIGGER energy_rows_ins INSTEAD OF INSERT ON energy_rows BEGIN"
	"  INSERT INTO energy_accounts(enterprise_id, period, carrier, quantity, tce)"
	"    SELECT new.enterprise_id, new.period, new.carrier, new.quantity, new.tce"
	"    WHERE new.carrier IS NOT NULL"
	"    ON CONFLICT(enterprise_id, period, carrier) DO UPDATE SET quantity = excluded.quantity,"
	"    tce = excluded.tce WHERE quantity IS NOT excluded.quantity OR tce IS NOT excluded.tce;"
	"  INSERT INTO green_periods(enterprise_id, period, value_added)"
	"    SELECT new.enterprise_id, new.period, new.value_added WHERE new.value_added IS NOT NULL"
	"    ON CONFLICT(enterprise_id, period) DO UPDATE SET value_added = excluded.value_added"
	"    WHERE value_added IS NOT excluded.value_added;"
	"  END;"
	"CREATE TRIGGER energy_wins_ii AFTER INSERT ON indicators"
	"  WHEN EXISTS(SELECT 1 FROM energy_accounts WHERE enterprise_id = new.enterprise_id"
	"    AND period = new.period) BEGIN"
	"  UPDATE indicators SET energy_tce = (SELECT round(sum(tce), 6) FROM energy_accounts"
	"    WHERE enterprise_id = new.enterprise_id AND period = new.period)"
	"    WHERE enterprise_id = new.enterprise_id AND period = new.period"
	"    AND energy_tce IS NOT (SELECT round(sum(tce), 6) FROM energy_accounts"
	"    WHERE enterprise_id = new.enterprise_id AND period = new.period);"
	"  END;",
	/* 15: patents (issue 17; FORMATS.md patents.csv), keyed by the canonical application
	 * number (domain/patent.h), each held by one registered enterprise. ipc holds the
	 * canonical IPC codes joined by ';', the main classification first. Dates are
	 * YYYY-MM-DD; lapsed is when a granted patent stopped being in force (失效日). A patent is
	 * in force at a date D when granted <= D and (lapsed IS NULL OR lapsed > D), unless its
	 * status is 'invalid' with no lapse date (then never: when it lapsed is unknown). Not in
	 * the change log: the frame does not read patents (innov/ loads its own snapshot). */
	"CREATE TABLE patents("
	"  number TEXT PRIMARY KEY CHECK(length(number) IN (10, 14)),"
	"  kind TEXT NOT NULL CHECK(kind IN ('invention','utility_model','design',"
	"    'pct_invention','pct_utility_model')),"
	"  title TEXT,"
	"  ipc TEXT,"
	"  filed TEXT, granted TEXT, lapsed TEXT,"
	"  status TEXT NOT NULL DEFAULT 'valid' CHECK(status IN ('pending','valid','invalid')),"
	"  holder_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE INDEX patents_holder ON patents(holder_id);",
	/* 16: enterprise reporting (report/): plans (metrics as comma-separated keys, an
	 * enterprise rule, frequency, opening and due days after the period's end), one report
	 * per plan, enterprise and period with its values, the notices an enterprise reads
	 * (due, overdue, returned, accepted; a reminder once per report), and the provenance of
	 * indicator values written by a report or a manual edit (the value it attests: a stored
	 * value that differs came from an import since). None of these is read by the frame,
	 * so none is in the change log; accepting a report writes indicators, which are. */
	"CREATE TABLE report_plans("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE CHECK(trim(name)<>''),"
	"  metrics TEXT NOT NULL CHECK(metrics<>''),"
	"  rule TEXT NOT NULL,"
	"  frequency TEXT NOT NULL CHECK(frequency='monthly' OR frequency='annual'),"
	"  open_days INTEGER NOT NULL CHECK(open_days >= 0),"
	"  due_days INTEGER NOT NULL CHECK(due_days >= open_days),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  created_by TEXT);"
	"CREATE TABLE reports("
	"  id INTEGER PRIMARY KEY,"
	"  plan_id INTEGER NOT NULL REFERENCES report_plans(id),"
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  period INTEGER NOT NULL CHECK(period % 100 BETWEEN 0 AND 12),"
	"  due TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK(status='open' OR status='draft' OR"
	"    status='submitted' OR status='returned' OR status='accepted'),"
	"  explanation TEXT, comment TEXT,"
	"  opened_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT, submitted_at TEXT, submitted_by TEXT, reviewed_at TEXT,"
	"  reviewed_by TEXT,"
	"  UNIQUE(plan_id, period, enterprise_id));"
	"CREATE INDEX reports_enterprise ON reports(enterprise_id, period);"
	"CREATE TABLE report_values("
	"  report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
	"  metric TEXT NOT NULL, value REAL,"
	"  PRIMARY KEY(report_id, metric)) WITHOUT ROWID;"
	"CREATE TABLE report_notices("
	"  id INTEGER PRIMARY KEY,"
	"  report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK(kind='due' OR kind='overdue' OR kind='returned' OR"
	"    kind='accepted'),"
	"  comment TEXT,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  read_at TEXT);"
	"CREATE INDEX report_notices_report ON report_notices(report_id);"
	"CREATE UNIQUE INDEX report_notices_once ON report_notices(report_id, kind)"
	"  WHERE kind = 'due' OR kind = 'overdue';"
	"CREATE TABLE indicator_sources("
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  period INTEGER NOT NULL, metric TEXT NOT NULL, value REAL,"
	"  kind TEXT NOT NULL CHECK(kind='report' OR kind='manual'),"
	"  ref INTEGER, actor TEXT NOT NULL,"
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  PRIMARY KEY(enterprise_id, period, metric)) WITHOUT ROWID;",
	/* 17: digital maturity self-assessments (digital/, issue 16 item 4): one per enterprise
	 * and year, the answers as a JSON object of question id → value (the model is
	 * data/digital/maturity.json), the level and score as computed when saved, and the
	 * 两化融合 indicators (rates 0-1) and recognitions (5G factory, demonstration factory,
	 * lighthouse). Not in the frame's change log: the frame does not read it. */
	"CREATE TABLE maturity_assessments("
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  year INTEGER NOT NULL CHECK(year BETWEEN 1900 AND 2200),"
	"  answers TEXT NOT NULL,"
	"  level INTEGER NOT NULL CHECK(level BETWEEN 0 AND 5),"
	"  score REAL NOT NULL,"
	"  cnc_rate REAL CHECK(cnc_rate IS NULL OR cnc_rate BETWEEN 0 AND 1),"
	"  rd_tool_rate REAL CHECK(rd_tool_rate IS NULL OR rd_tool_rate BETWEEN 0 AND 1),"
	"  networking_rate REAL CHECK(networking_rate IS NULL OR networking_rate BETWEEN 0 AND 1),"
	"  factory_5g INTEGER NOT NULL DEFAULT 0 CHECK(factory_5g IN (0, 1)),"
	"  demonstration INTEGER NOT NULL DEFAULT 0 CHECK(demonstration IN (0, 1)),"
	"  lighthouse INTEGER NOT NULL DEFAULT 0 CHECK(lighthouse IN (0, 1)),"
	"  updated_by TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  PRIMARY KEY(enterprise_id, year)) WITHOUT ROWID;",
	/* 18: the status of each key technology of a node as the commission sets it (issue 17,
	 * item 2): local capability leading / catching up / absent and the 卡脖子 flag. The
	 * technologies are the catalogue's (data/chains) or ones the commission adds. Every change
	 * is audited (innov.tech). */
	"CREATE TABLE tech_status("
	"  chain TEXT NOT NULL, node TEXT NOT NULL,"
	"  technology TEXT NOT NULL CHECK(technology <> '' AND length(technology) <= 200),"
	"  status TEXT NOT NULL CHECK(status IN ('leading','catching_up','absent')),"
	"  chokepoint INTEGER NOT NULL DEFAULT 0 CHECK(chokepoint IN (0, 1)),"
	"  note TEXT,"
	"  updated_by TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  PRIMARY KEY(chain, node, technology)) WITHOUT ROWID;",
	/* 19: compliance flags (green/, issue 16 item 2): environmental, quality, safety
	 * violations and 淘汰类 processes per enterprise and year (flags.csv; the kinds are
	 * data/green/flags.json), which the laggard screen reads. Not in the frame's change log. */
	"CREATE TABLE compliance_flags("
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  period INTEGER NOT NULL CHECK(period % 100 = 0),"
	"  flag TEXT NOT NULL CHECK(flag <> ''),"
	"  description TEXT, source TEXT,"
	"  PRIMARY KEY(enterprise_id, period, flag)) WITHOUT ROWID;",
	/* 20: enterprise reporting's indexes (migration 16 had landed without them): completion
	 * counts a plan's periods by status and due date from reports_state alone, and the
	 * overdue list finds each firm's accounts by users_uscc. */
	"CREATE INDEX reports_state ON reports(plan_id, period, status, due);"
	"CREATE INDEX users_uscc ON users(uscc);",
	/* 21: retrofit projects (技改项目, issue 16 item 5): an enterprise's green / intelligent
	 * retrofit with its investment (万元), dates, status, solution provider and the effect
	 * expected and measured (energy saved, tce; key-process CNC rate before and after). Not in
	 * the frame's change log. */
	"CREATE TABLE retrofit_projects("
	"  id INTEGER PRIMARY KEY,"
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  title TEXT NOT NULL CHECK(title <> '' AND length(title) <= 600),"
	"  kind TEXT NOT NULL CHECK(kind IN ('green','intelligent','both')),"
	"  investment REAL CHECK(investment IS NULL OR investment >= 0),"
	"  start_date TEXT, end_date TEXT,"
	"  status TEXT NOT NULL CHECK(status IN ('planned','in_progress','completed','cancelled')),"
	"  provider TEXT,"
	"  expected_saved REAL CHECK(expected_saved IS NULL OR expected_saved >= 0),"
	"  measured_saved REAL CHECK(measured_saved IS NULL OR measured_saved >= 0),"
	"  cnc_before REAL CHECK(cnc_before IS NULL OR cnc_before BETWEEN 0 AND 1),"
	"  cnc_after REAL CHECK(cnc_after IS NULL OR cnc_after BETWEEN 0 AND 1),"
	"  created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE INDEX retrofit_projects_enterprise ON retrofit_projects(enterprise_id);",
	/* 22: innovation platforms and consortia (issue 17, item 3). A platform has a kind and a
	 * level, a host (a registered enterprise by credit code, or an institution by name, e.g. a
	 * university), the chain nodes it serves ("chain.node" joined by ';') and its recognition
	 * and review dates. A consortium (创新联合体) has a leading enterprise, members (credit
	 * codes or institution names joined by ';'), the node and technology it targets, its
	 * milestones as text and a status. Writes are audited (innov.platform, innov.consortium).
	 */
	"CREATE TABLE platforms("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE CHECK(trim(name) <> '' AND length(name) <= 200),"
	"  kind TEXT NOT NULL CHECK(kind IN ('key_lab','tech_innovation_center',"
	"    'mfg_innovation_center','eng_research_center','enterprise_tech_center',"
	"    'new_rd_institution','incubator','maker_space','university_park')),"
	"  level TEXT NOT NULL CHECK(level IN ('national','municipal','district')),"
	"  host_id INTEGER REFERENCES enterprises(id) ON DELETE SET NULL,"
	"  host_name TEXT,"
	"  nodes TEXT NOT NULL DEFAULT '',"
	"  recognised TEXT, reviewed TEXT,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE TABLE consortia("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE CHECK(trim(name) <> '' AND length(name) <= 200),"
	"  leader_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  members TEXT NOT NULL DEFAULT '',"
	"  chain TEXT NOT NULL, node TEXT NOT NULL,"
	"  technology TEXT NOT NULL CHECK(technology <> ''),"
	"  milestones TEXT,"
	"  status TEXT NOT NULL DEFAULT 'forming' CHECK(status IN ('forming','active',"
	"    'completed','dissolved')),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));",
	/* 23: technology challenges (揭榜挂帅, issue 17 item 4): posted on a node and technology
	 * with a budget (万元) and a deadline by the commission or a master enterprise (poster,
	 * text); awarded to one registered enterprise bound to milestones (text). Audited
	 * (innov.challenge, innov.award). */
	"CREATE TABLE challenges("
	"  id INTEGER PRIMARY KEY,"
	"  title TEXT NOT NULL CHECK(trim(title) <> '' AND length(title) <= 200),"
	"  chain TEXT NOT NULL, node TEXT NOT NULL,"
	"  technology TEXT NOT NULL CHECK(technology <> ''),"
	"  budget REAL CHECK(budget IS NULL OR budget >= 0),"
	"  deadline TEXT, poster TEXT,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK(status IN ('open','awarded','closed')),"
	"  winner_id INTEGER REFERENCES enterprises(id) ON DELETE SET NULL,"
	"  milestones TEXT,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));",
	/* 24: green manufacturing recognitions (绿色制造名单, issue 16 item 3): green factory,
	 * park, supply-chain enterprise or design product, national or municipal, by year
	 * (recognitions.csv; kinds and levels in data/green/recognitions.json). */
	"CREATE TABLE green_recognitions("
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL, level TEXT NOT NULL,"
	"  year INTEGER NOT NULL CHECK(year BETWEEN 2000 AND 2200),"
	"  name TEXT NOT NULL DEFAULT '', source TEXT,"
	"  PRIMARY KEY(enterprise_id, kind, level, year, name)) WITHOUT ROWID;",
	/* 25: listing coordination (issue 17 item 5, listing/listing.c). Institutions (securities
	 * firms, funds) and the role investor bound to one: users is rebuilt to widen its role
	 * check (SQLite cannot alter a CHECK; migrate() runs with foreign keys off and checks them
	 * before committing, so sessions and subscriptions keep their users). An enterprise's
	 * consent to be shown to investors (granted or withdrawn by itself, audited), its listing
	 * progress (stage, the date it was reached, target board, sponsoring institution, the
	 * 一企一策 case opened when it stalled) with every stage reached kept in listing_stages,
	 * and the investors' interest or counselling engagements. */
	"CREATE TABLE institutions("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE CHECK(trim(name) <> '' AND length(name) <= 200),"
	"  kind TEXT NOT NULL CHECK(kind IN ('securities','fund','bank','other')),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE TABLE users_new("
	"  id INTEGER PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE CHECK(length(username) BETWEEN 1 AND 60),"
	"  password_hash TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK(role IN ('admin','analyst','chief','enterprise','investor')),"
	"  uscc TEXT, chains TEXT,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  institution_id INTEGER REFERENCES institutions(id),"
	"  CHECK(role <> 'enterprise' OR uscc IS NOT NULL),"
	"  CHECK(role <> 'investor' OR institution_id IS NOT NULL));"
	"INSERT INTO users_new(id, username, password_hash, role, uscc, chains, disabled, created_at)"
	"  SELECT id, username, password_hash, role, uscc, chains, disabled, created_at FROM users;"
	"DROP TABLE users;"
	"ALTER TABLE users_new RENAME TO users;"
	"CREATE INDEX users_uscc ON users(uscc);"
	"CREATE TABLE listing_consents("
	"  enterprise_id INTEGER PRIMARY KEY REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  granted INTEGER NOT NULL CHECK(granted IN (0, 1)),"
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  actor TEXT NOT NULL);"
	"CREATE TABLE listing_progress("
	"  enterprise_id INTEGER PRIMARY KEY REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  stage TEXT NOT NULL CHECK(stage IN ('shareholding','tutoring','accepted','inquiry',"
	"    'registered','listed','withdrawn')),"
	"  since TEXT NOT NULL,"
	"  board TEXT CHECK(board IS NULL OR board IN ('main','star','gem','bse','neeq')),"
	"  sponsor_id INTEGER REFERENCES institutions(id) ON DELETE SET NULL,"
	"  case_id INTEGER REFERENCES cases(id) ON DELETE SET NULL,"
	"  updated_by TEXT NOT NULL);"
	"CREATE TABLE listing_stages("
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  stage TEXT NOT NULL, date TEXT NOT NULL, actor TEXT NOT NULL,"
	"  PRIMARY KEY(enterprise_id, date, stage)) WITHOUT ROWID;"
	"CREATE TABLE listing_engagements("
	"  id INTEGER PRIMARY KEY,"
	"  institution_id INTEGER NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,"
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK(kind IN ('interest','counselling')),"
	"  note TEXT, actor TEXT NOT NULL,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  UNIQUE(institution_id, enterprise_id, kind));",
	/* 26: where an imported indicator value came from (issue 15, item 4): per indicators row
	 * an import inserted or changed, the import (imports.id) and the file's line, with the
	 * metrics the file gave as a bit mask (bit m: metric m of the catalogue). Keyed by the
	 * mask so that importing the same columns again replaces the row: a row per enterprise,
	 * period and column set, not per import. report_provenance reads it per value. */
	"CREATE TABLE indicator_imports("
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  period INTEGER NOT NULL, mask INTEGER NOT NULL,"
	"  import_id INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  PRIMARY KEY(enterprise_id, period, mask)) WITHOUT ROWID;",
	/* 27: patents keyed by the application number's digits (issue 17's import benchmark):
	 * a rowid table whose INTEGER PRIMARY KEY is the 12 digits (or the 8 of the form before
	 * October 2003: below 10^8, as a 12-digit number's year is 2003 or later), so an import in
	 * number order appends to the table's last page and compares integers, not text. The check
	 * character is derived (ZC 0006-2003: digits x weights mod 11, 10 -> X): the view
	 * patent_numbers gives each key its canonical text (`number`, as the column was before),
	 * computed when read, with every column of patents. Not a generated column: SQLite
	 * computes even a VIRTUAL one on every insert (a fifth of the import's time). The CHECKs on
	 * kind and status are OR chains: an IN list made SQLite build an ephemeral table on every
	 * row inserted. No index on holder_id: building it cost more CPU than the rest of a 5M-row
	 * import, and the readers scan (innov/'s snapshot, the export) or read by key (the
	 * challenge ranking's text component: its applicants' patents from the snapshot);
	 * enterprises are deleted only from an empty registry's first load, so ON DELETE CASCADE
	 * never scans. Existing rows move over (the text number without its dot and check character
	 * is the key). */
	"CREATE TABLE patents_new("
	"  id INTEGER PRIMARY KEY CHECK(id >= 0 AND id < 1000000000000),"
	"  kind TEXT NOT NULL CHECK(kind = 'invention' OR kind = 'utility_model' OR kind = 'design'"
	"    OR kind = 'pct_invention' OR kind = 'pct_utility_model'),"
	"  title TEXT,"
	"  ipc TEXT,"
	"  filed TEXT, granted TEXT, lapsed TEXT,"
	"  status TEXT NOT NULL DEFAULT 'valid' CHECK(status = 'pending' OR status = 'valid' OR "
	"    status = 'invalid'),"
	"  holder_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE);"
	"INSERT INTO patents_new(id, kind, title, ipc, filed, granted, lapsed, status, holder_id)"
	"  SELECT CAST(substr(number, 1, length(number) - 2) AS INTEGER), kind, title, ipc, filed,"
	"  granted, lapsed, status, holder_id FROM patents ORDER BY 1;"
	"DROP TABLE patents;"
	"ALTER TABLE patents_new RENAME TO patents;"
	"CREATE VIEW patent_numbers AS SELECT *,"
	"  CASE WHEN id >= 100000000 THEN printf('%012d.', id) "
	"    || substr('0123456789X', 1 + ("
	"    id / 100000000000 % 10 * 2 + id / 10000000000 % 10 * 3 + id / 1000000000 % 10 "
	"    * 4 + id / 100000000 % 10 * 5 + id / 10000000 % 10 * 6 + id / 1000000 % 10 * 7 "
	"    + id / 100000 % 10 * 8 + id / 10000 % 10 * 9 + id / 1000 % 10 * 2 + id / 100 % "
	"    10 * 3 + id / 10 % 10 * 4 + id % 10 * 5) % 11, 1) "
	"    ELSE printf('%08d.', id) || substr('0123456789X', 1 + ("
	"    id / 10000000 % 10 * 2 + id / 1000000 % 10 * 3 + id / 100000 % 10 * 4 + id / "
	"    10000 % 10 * 5 + id / 1000 % 10 * 6 + id / 100 % 10 * 7 + id / 10 % 10 * 8 + "
	"    id % 10 * 9) % 11, 1) END AS number FROM patents;",
	/* 28: service postings (issue 16, item 6): a posting with a row here is a service (a
	 * solution provider's offer when it supplies, an enterprise's retrofit need when it
	 * demands) with the capabilities it offers or needs (codes of
	 * data/digital/capabilities.json joined by ';') and, for a provider, the GB/T 4754 codes
	 * of the industries it serves. A retrofit project keeps the capabilities it needs and the
	 * service demand posted for it (match_rank ranks the providers of that posting). */
	"CREATE TABLE service_postings("
	"  posting_id INTEGER PRIMARY KEY REFERENCES postings(id) ON DELETE CASCADE,"
	"  capabilities TEXT NOT NULL CHECK(capabilities <> ''),"
	"  industries TEXT);"
	"ALTER TABLE retrofit_projects ADD COLUMN capabilities TEXT;"
	"ALTER TABLE retrofit_projects ADD COLUMN need_posting INTEGER"
	"  REFERENCES postings(id) ON DELETE SET NULL;",
	/* 29: green-factory self-assessments (绿色工厂自评价, GB/T 36132-2018, issue 16 item 3):
	 * an enterprise's answers per year (JSON: requirement id -> 0 / 0.5 / 1, the model in
	 * data/green/factory.json), the total score, whether the basic requirements were met and
	 * eligibility as computed when saved (green/factory.c rescores on read). */
	"CREATE TABLE green_factory_assessments("
	"  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,"
	"  year INTEGER NOT NULL CHECK(year BETWEEN 1900 AND 2200),"
	"  answers TEXT NOT NULL,"
	"  score REAL NOT NULL CHECK(score BETWEEN 0 AND 100),"
	"  basic_met INTEGER NOT NULL CHECK(basic_met IN (0, 1)),"
	"  eligible INTEGER NOT NULL CHECK(eligible IN (0, 1)),"
	"  updated_by TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  PRIMARY KEY(enterprise_id, year)) WITHOUT ROWID;",
	/* 30: failed logins counted in the database (issue 18, item 4), so that every server of a
	 * deployment counts a (client, user name) pair's failures together: key_hash is the
	 * BLAKE2b hash (hex) of "client|user name", since the window's start (Unix seconds), fails
	 * the failures within it (http/auth.c: the window, the limit, and the bound on live
	 * windows; ended windows are deleted as failures are counted). On PostgreSQL this migration
	 * also makes the change log notify its listeners (schema_pg.c). */
	"CREATE TABLE login_failures(key_hash TEXT PRIMARY KEY, since INTEGER NOT NULL,"
	"  fails INTEGER NOT NULL);"
	"CREATE INDEX login_failures_since ON login_failures(since);",
};

int cc_schema_count(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *cc_schema_migration(int n)
{
	return (n >= 1 && n <= cc_schema_count()) ? migrations[n - 1] : NULL;
}
