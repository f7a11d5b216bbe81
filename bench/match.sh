#!/usr/bin/env bash
# Supply–demand matching benchmark (issue 6), on 1,000,000 postings and 200,000 enterprises:
#   1. single-query latency p50/p99 of match_rank + the first page of explained matches as JSON
#      (its text passes answered by the in-memory text index, match/textidx.c, built before the
#      timing as the server builds it at start; BENCH_FTS=1: by FTS5 as before), against the
#      bare FTS5 query on the same index (MATCH ... ORDER BY bm25 LIMIT 20, with the
#      query strings match_rank used: the exact one, and the partial one when that pass ran),
#      for a seeded sample of open postings, in one run (bench_match, with a split by step);
#   2. throughput of GET /api/v1/postings/{id}/matches under wrk on loopback, as an analyst,
#      rotating through 5,000 open posting ids (a Lua script).
# There is no HTTP full-text server to put beside (2): the bare FTS5 numbers of (1) are the floor.
#   bench/match.sh [POSTINGS] [ENTERPRISES] [SECONDS]     (defaults 1000000, 200000 and 10)
# Env: BUILD (build dir, default build), BENCH_DIR (data, default /tmp/cc-bench-match),
#      SAMPLE (postings timed by bench_match, default 2000), SPLIT (of them split by statement,
#      default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
P=${1:-1000000}
N=${2:-200000}
D=${3:-10}
B=${BUILD:-build}
CC=$B/chainchief
W=${BENCH_DIR:-/tmp/cc-bench-match}
SAMPLE=${SAMPLE:-2000}
SPLIT=${SPLIT:-200}
PORT=18183
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
mkdir -p "$W"
t0=$(date +%s)
if [ ! -f "$W/db" ]; then
  echo "preparing $N enterprises (demo) ..."
  $CC --db "$W/db" demo --enterprises "$N" --no-accounts >/dev/null
  # The demo's own postings: the originals the top-up copies from.
  sqlite3 "$W/db" "INSERT OR REPLACE INTO meta(key, value) SELECT 'bench_demo_postings', max(id) FROM postings"
  echo "demo: $(sqlite3 "$W/db" 'select count(*) from postings') postings in $(($(date +%s) - t0)) s"
fi
if [ "$(sqlite3 "$W/db" 'select count(*) from postings')" -lt "$P" ]; then
  t1=$(date +%s)
  echo "topping up to $P postings ..."
  # Each demo posting ("采购X" / "供应X" on X's chain node) is copied for other enterprises with
  # title variants: a spec word and a model code, a series, a second product from another
  # posting, or a letter-digit model; other quantities, units, preferred regions, validity
  # (about 10% expired, 3% withdrawn) and descriptions with extra terms. INSERT OR IGNORE
  # keeps UNIQUE(enterprise_id, kind, title); the FTS triggers keep postings_fts in step.
  demo=$(sqlite3 "$W/db" "select value from meta where key = 'bench_demo_postings'")
  round=0
  while [ "$(sqlite3 "$W/db" 'select count(*) from postings')" -lt "$P" ]; do
    sqlite3 "$W/db" <<SQL
PRAGMA synchronous = OFF;
PRAGMA cache_size = -400000;
CREATE TEMP TABLE prods(i INTEGER PRIMARY KEY, name TEXT);
INSERT INTO prods(name) SELECT DISTINCT substr(title, 3) FROM postings
  WHERE id <= $demo ORDER BY 1;
CREATE TEMP TABLE specs(i INTEGER PRIMARY KEY, s TEXT);
INSERT INTO specs(i, s) VALUES (0,'高精度'),(1,'定制'),(2,'批量'),(3,'国产化'),(4,'车规级'),
  (5,'工业级'),(6,'小批量试产'),(7,'出口级'),(8,'环保型'),(9,'节能型'),(10,'轻量化'),
  (11,'耐高温'),(12,'防腐'),(13,'智能型'),(14,'标准件'),(15,'非标'),(16,'OEM'),(17,'高纯'),
  (18,'精密'),(19,'大尺寸'),(20,'6061铝合金'),(21,'304不锈钢'),(22,'IP67防护'),(23,'低功耗');
CREATE TEMP TABLE extras(i INTEGER PRIMARY KEY, s TEXT);
INSERT INTO extras(i, s) VALUES (0,''),(1,'可提供样品。'),(2,'要求ISO9001认证。'),(3,'含税价，月结60天。'),
  (4,'需驻厂技术服务。'),(5,'支持定制开发。'),(6,'长期合作优先。'),(7,'要求IATF16949体系。'),
  (8,'急需，两周内交货。'),(9,'分批交付，按季度结算。'),(10,'优先考虑重庆两江新区企业。'),
  (11,'优先考虑成都高新区企业。'),(12,'需第三方检测报告。'),(13,'可签三年框架协议。');
CREATE TEMP TABLE seq(k INTEGER PRIMARY KEY);
WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c
  WHERE k < 1 + ($P - (SELECT count(*) FROM postings)) / $demo)
  INSERT INTO seq SELECT k + 1000 * $round FROM c;
CREATE TEMP TABLE np AS SELECT count(*) AS n FROM prods;
BEGIN;
INSERT OR IGNORE INTO postings(kind, enterprise_id, title, description, chain, node, quantity,
  unit, region_pref, valid_until, status, created_at)
SELECT kind, 1 + (h / 7) % $N,
  substr(title, 1, 2) || CASE h % 4
    WHEN 0 THEN (SELECT s FROM specs WHERE i = (h / 11) % 24) || prod || ' 型号'
                || char(65 + (h / 13) % 26) || (100 + (h / 17) % 900)
    WHEN 1 THEN prod || '（' || (10 + (h / 19) % 90) || '系列）'
    WHEN 2 THEN prod || '及' || (SELECT name FROM prods WHERE i = 1 + (h / 23) % (SELECT n FROM np))
    ELSE prod || ' ' || char(65 + (h / 29) % 26) || char(65 + (h / 31) % 26) || '-'
         || (1000 + (h / 37) % 9000) END,
  description || (SELECT s FROM extras WHERE i = (h / 41) % 14)
    || (SELECT s FROM extras WHERE i = (h / 43) % 14),
  chain, node, 50 + (h / 47) % 50000,
  CASE (h / 53) % 8 WHEN 0 THEN '件' WHEN 1 THEN '台' WHEN 2 THEN '吨' WHEN 3 THEN '套'
    WHEN 4 THEN '片' WHEN 5 THEN '米' WHEN 6 THEN '千克' ELSE '个' END,
  CASE (h / 59) % 5 WHEN 0 THEN '510100' WHEN 1 THEN '500000' WHEN 2 THEN '510100;500000'
    WHEN 3 THEN '500112' ELSE NULL END,
  CASE WHEN (h / 61) % 10 = 0 THEN date('now', '-' || (1 + (h / 67) % 300) || ' days')
    ELSE date('now', '+' || (10 + (h / 71) % 700) || ' days') END,
  CASE WHEN (h / 73) % 33 = 0 THEN 'withdrawn' ELSE 'open' END,
  strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || ((h / 79) % 400) || ' days')
FROM (SELECT p.kind, p.title, substr(p.title, 3) AS prod, p.description, p.chain, p.node,
        ((p.id * 1000003 + s.k * 7919 + 12345) * 48271) % 2147483647 AS h
      FROM postings p, seq s WHERE p.id <= $demo)
LIMIT $P - (SELECT count(*) FROM postings);
UPDATE meta SET value = (SELECT max(id) FROM postings) WHERE key = 'match_delivered';
COMMIT;
SQL
    round=$((round + 1))
    [ $round -lt 5 ] || { echo "could not reach $P postings"; exit 1; }
  done
  t2=$(date +%s)
  echo "top-up: $((t2 - t1)) s; enterprise index (match reindex) ..."
  $CC --db "$W/db" match reindex >/dev/null
  t3=$(date +%s)
  echo "reindex: $((t3 - t2)) s; preparation $((t3 - t0)) s in all (this run)"
fi
echo "$(sqlite3 "$W/db" 'select count(*) from postings') postings ($(sqlite3 "$W/db" 'select count(distinct title) from postings') distinct titles), $(sqlite3 "$W/db" 'select count(*) from enterprises') enterprises, DB $(du -m "$W/db" | cut -f1) MB"
echo

# 1. Single queries, ours and bare FTS5 side by side in each run (bench_match times both, query
# by query), RUNS runs (default 5): medians and spread of each percentile and of the ratio.
# The full table of the last run follows.
bench/alternate.py --runs "${RUNS:-5}" --keep "$W/keep" \
  --pair ours_p50_ms,fts_p50_ms:"single query p50, ms" \
  --pair ours_p99_ms,fts_p99_ms:"single query p99, ms" \
  --pair ours_mean_ms,fts_mean_ms:"single query mean, ms" \
  -- bench_match "$B/bench_match $W/db $SAMPLE $SPLIT"
cp "$W/keep/bench_match.txt" "$W/latency.txt"
echo; echo "the last run's table:"; cat "$W/latency.txt"
echo

# 2. Throughput: the server, an analyst, wrk rotating through open posting ids.
$CC --db "$W/db" user add bench --role analyst --password load-test-pass-1 >/dev/null 2>&1 || true
CC_NO_ACCESS_LOG=1 $CC --db "$W/db" serve --listen 127.0.0.1:$PORT --threads 2 2>"$W/serve.log" &
SPID=$!
trap 'kill $SPID 2>/dev/null; true' EXIT
for i in $(seq 1 900); do curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/session" && break; sleep 0.2; done
# The server builds matching's text index in the background (FTS5 answers until then): wait
# for it, so that every run below measures the index.
for i in $(seq 1 900); do grep -q "matching text index" "$W/serve.log" && break; sleep 0.2; done
grep "matching text index" "$W/serve.log" || echo "(no text index in the server's log)"
cookie=$(curl -s -i -H 'Content-Type: application/json' -d '{"username":"bench","password":"load-test-pass-1"}' \
  "http://127.0.0.1:$PORT/api/v1/login" | tr -d '\r' | sed -n 's/^Set-Cookie: \(cc_session=[0-9a-f]*\).*/\1/p')
# The same kind of sample: open, unexpired postings in a seeded random order.
sqlite3 "$W/db" "SELECT id FROM postings WHERE status = 'open' AND (valid_until IS NULL OR valid_until >= date('now')) ORDER BY (id * 2654435761) % 1000003 LIMIT 5000" > "$W/ids.txt"
{
  echo "local ids = {"; sed 's/$/,/' "$W/ids.txt"; echo "}"
  cat <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/v1/postings/" .. ids[(n * 7919) % #ids + 1] .. "/matches?limit=20")
end
LUA
} > "$W/ids.lua"
curl -s -o "$W/one.json" -w "one request: HTTP %{http_code}, %{size_download} bytes, %{time_total} s\n" \
  -H "Cookie: $cookie" "http://127.0.0.1:$PORT/api/v1/postings/$(head -1 "$W/ids.txt")/matches?limit=20"
echo "chainchief serve --threads 2, wrk -t2 (-t1 for 1 connection) -d${D}s on loopback (2 cores shared by client and server)"
echo "GET /postings/{id}/matches?limit=20 with 1, 8 and 32 connections, alternately ${RUNS:-5} times:"
wr="bench/wrk_result.sh http://127.0.0.1:$PORT $cookie $D"
bench/alternate.py --runs "${RUNS:-5}" --no-ratio \
  --metric rps:"requests per second":higher --metric p50_ms:"p50, ms" --metric p99_ms:"p99, ms" \
  --metric non2xx:"non-2xx answers" \
  -- "1 connection" "$wr 1 $W/ids.lua" -- "8 connections" "$wr 8 $W/ids.lua" \
  -- "32 connections" "$wr 32 $W/ids.lua"
echo "peer: no HTTP full-text server; the bare FTS5 query above (in-process) is the floor"
