#!/usr/bin/env bash
# Files written by real tools import correctly: LibreOffice (headless, Debian's package) saves
# our demo CSVs as XLSX and as GB18030 CSV, as an analyst's Excel/WPS would; both load to the
# same records as the original UTF-8 files.
. "$(dirname "$0")/lib.bash"
command -v soffice >/dev/null || { fail "soffice (libreoffice-calc-nogui) is not installed: scripts/setup.sh test installs it"; finish; exit 1; }
$CC demo --enterprises 60 --seed 11 --years 2 --months 0 --csv-out "$T/src" --no-load --no-accounts > /dev/null
for f in enterprises indicators; do
  head -41 "$T/src/$f.csv" > "$T/$f.csv"   # 40 rows each: enough for every column kind
done
db_ref=$(scratch_db ref)
$CC --db "$db_ref" import "$T/enterprises.csv" "$T/indicators.csv" > /dev/null || fail "reference import"
export HOME=$T   # LibreOffice keeps a profile in $HOME
for f in enterprises indicators; do
  soffice --headless --infilter="CSV:44,34,76,1" --convert-to xlsx --outdir "$T/xlsx" "$T/$f.csv" > /dev/null 2>&1
  # 85 is LibreOffice's code for GB18030 (rtl_TextEncoding).
  soffice --headless --infilter="CSV:44,34,76,1" --convert-to "csv:Text - txt - csv (StarCalc):44,34,85,1" \
    --outdir "$T/gb" "$T/$f.csv" > /dev/null 2>&1
done
[ -f "$T/xlsx/enterprises.xlsx" ] && pass "LibreOffice wrote XLSX" || fail "LibreOffice wrote no XLSX"
iconv -f utf-8 -t utf-8 "$T/gb/enterprises.csv" > /dev/null 2>&1 && fail "LibreOffice's GB18030 file is still UTF-8" || pass "LibreOffice wrote non-UTF-8 (GB18030) text"
for kind in xlsx gb; do
  db=$(scratch_db $kind)
  ext=csv; [ $kind = xlsx ] && ext=xlsx
  $CC --db "$db" import "$T/$kind/enterprises.$ext" --format json > "$T/$kind.e.json"
  $CC --db "$db" import "$T/$kind/indicators.$ext" --format json > "$T/$kind.i.json"
  expect_eq "$(json 'd["rejected"]' < "$T/$kind.e.json")" 0 "$kind enterprises: nothing rejected"
  expect_eq "$(json 'd["accepted"]' < "$T/$kind.e.json")" 40 "$kind enterprises: 40 rows"
  expect_eq "$(json 'd["rejected"]' < "$T/$kind.i.json")" 0 "$kind indicators: nothing rejected"
  [ $kind = gb ] && expect_eq "$(json 'd["format"]' < "$T/$kind.e.json")" gb18030 "GB18030 detected"
  for k in enterprises indicators; do
    $CC --db "$db_ref" export $k "$T/ref_$k.csv" 2>/dev/null
    $CC --db "$db" export $k "$T/${kind}_$k.csv" 2>/dev/null
    cmp -s "$T/ref_$k.csv" "$T/${kind}_$k.csv" && pass "$kind $k equal the UTF-8 import" || { fail "$kind $k differ"; diff "$T/ref_$k.csv" "$T/${kind}_$k.csv" | head -5; }
  done
done
finish
