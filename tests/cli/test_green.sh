#!/usr/bin/env bash
# Green accounts end to end (issue 16): the demo's energy accounts, the derived energy_tce,
# benchmarks against a percentile computed independently, the laggard screen, --help, json.
. "$(dirname "$0")/lib.bash"
$CC demo --enterprises 1500 --seed 5 --no-accounts --csv-out "$T/csv" > /dev/null || fail "demo"
expect_status 0 "green --help" $CC green --help
expect_grep "GB/T 2589-2020" "$T/out" "help names the standard"
expect_status 0 "green factors" $CC green factors --format json
expect_grep '"kgce":0.1229' "$T/out" "electricity's equivalent value"
expect_status 1 "green bench with a bad metric" $CC green bench --metric water
# The carriers' tce equals energy_tce wherever an enterprise-year has carriers.
n=$(sql "SELECT count(*) FROM (SELECT a.enterprise_id, a.period, sum(a.tce) s FROM energy_accounts a GROUP BY 1, 2) x JOIN indicators i ON i.enterprise_id = x.enterprise_id AND i.period = x.period WHERE abs(i.energy_tce - x.s) > 1e-6")
expect_eq "$n" "0" "energy_tce is the carriers' total"
m=$(sql "SELECT CASE WHEN count(DISTINCT enterprise_id) > 100 THEN 1 ELSE 0 END FROM energy_accounts")
expect_eq "$m" "1" "the demo has energy accounts"
# Heavy industry is more energy-intensive (the demo's correlation).
h=$(sql "SELECT CASE WHEN (SELECT avg(i.energy_tce / i.output_value) FROM indicators i JOIN enterprises e ON e.id = i.enterprise_id WHERE i.period % 100 = 0 AND i.output_value > 0 AND substr(e.industry, 1, 3) IN ('C25','C26','C30','C31','C32','D44')) > 2 * (SELECT avg(i.energy_tce / i.output_value) FROM indicators i JOIN enterprises e ON e.id = i.enterprise_id WHERE i.period % 100 = 0 AND i.output_value > 0 AND substr(e.industry, 1, 3) IN ('C39','I65')) THEN 1 ELSE 0 END")
expect_eq "$h" "1" "heavy industries use more energy per output"
# An account: its year's tce is what the store holds.
U=$(sql "SELECT e.uscc FROM energy_accounts a JOIN enterprises e ON e.id = a.enterprise_id LIMIT 1")
expect_status 0 "green account" $CC green account "$U" --format json
cp "$T/out" "$T/acc.json"
ok_acc=$(/usr/bin/python3 -c "
import json; d = json.load(open('$T/acc.json'))
ys = [y for y in d['years'] if y['from_carriers']]
print(len(ys) > 0 and all(y['tce'] > 0 and y['co2'] > 0 and y['tce_equal'] > y['tce'] for y in ys))")
expect_eq "$ok_acc" "True" "account years from carriers have tce, CO2 and a larger equal value"
expect_status 2 "green account of an unknown code" $CC green account 91500000000000000X
# Benchmarks: percentiles of one class against SQLite's PERCENT_RANK.
C=$(sql "SELECT industry FROM enterprises WHERE industry IS NOT NULL GROUP BY industry ORDER BY count(*) DESC LIMIT 1")
Y=$(sql "SELECT max(period) / 100 FROM indicators WHERE period % 100 = 0")
expect_status 0 "green bench --industry" $CC green bench --industry "$C" --year "$Y" --limit 100000 --format json
cp "$T/out" "$T/b.json"
sql_csv "SELECT e.uscc, PERCENT_RANK() OVER (ORDER BY i.energy_tce / i.output_value) FROM indicators i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.industry = '$C' AND i.period = $Y * 100 AND i.output_value > 0 AND i.energy_tce IS NOT NULL" > "$T/pr.csv"
same=$(/usr/bin/python3 -c "
import json, csv
d = json.load(open('$T/b.json'))
want = {r[0]: float(r[1]) for r in csv.reader(open('$T/pr.csv'))}
got = {x['uscc']: x['percentile'] for x in d['enterprises'] if x['group'] == '$C'}
print(len(got) > 5 and set(got) == set(want) and all(abs(got[k] - want[k]) < 1e-12 for k in got))")
expect_eq "$same" "True" "percentiles equal SQLite's PERCENT_RANK in class $C"
# The laggard screen: every flagged item has a reason in both languages.
expect_status 0 "green laggards" $CC green laggards --format json --limit 100000
cp "$T/out" "$T/l.json"
lag=$(/usr/bin/python3 -c "
import json; d = json.load(open('$T/l.json'))
it = d['items']
print(d['flagged'] > 0 and all(x['reasons'] and all(r['reason_zh'] and r['reason_en'] for r in x['reasons']) for x in it))")
expect_eq "$lag" "True" "laggards come with reasons in Chinese and English"
expect_status 0 "green summary" $CC green summary --format json
expect_grep '"districts":\[\{' "$T/out" "summary has districts"
# The energy file round-trips: export, then import changes nothing.
expect_status 0 "export energy" $CC export energy "$T/en.csv"
before=$(sql "SELECT max(seq) FROM changes")
expect_status 0 "re-import the export" $CC import "$T/en.csv"
expect_eq "$(sql "SELECT max(seq) FROM changes")" "$before" "re-importing the export changes nothing"
finish
