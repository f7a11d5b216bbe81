#!/usr/bin/env bash
# Every command and subcommand refuses what it does not take (issue 13, item 3): an extra
# positional argument and an unknown option each exit 1 with the usage on stderr, and none
# succeeds by ignoring them. The commands come from `chainchief help` and the subcommands from
# the parser's own "unknown subcommand (a, b or c)" message, so a new one without a line below
# fails this test.
. "$(dirname "$0")/lib.bash"
X=zzz_unexpected
U=91500000MA0000000X
printf 'name,a\ntype,max\nx,1\ny,2\n' > "$T/m.csv"
# command|subcommand|the positional arguments it takes ("-" for none); a command without
# subcommands has an empty second field. VARIADIC commands take any number of words, so an
# extra word is one more input: it must fail, not necessarily as a usage error.
cases="
help||init
version||-
init||-
migrate||-
copy||-
demo||-
import||VARIADIC
export||enterprises $T/out.csv
check||-
backup||$T/b.db
summary||-
enterprise|list|-
enterprise|show|$U
uscc||VARIADIC
patent||VARIADIC
region||500000
industry||C
metrics||-
chain||-
chain|list|-
chain|show|ic
chain|gaps|ic
chain|targets|ic
chain|areas|ic
chain|report|ic
chain|brief|ic
serve||-
user|add|ana
user|list|-
user|passwd|ana
user|disable|ana
user|enable|ana
mcda||$T/m.csv
criteria||-
criteria|list|-
criteria|check|$U
criteria|scan|-
eval||-
eval|list|-
eval|run|listing_reserve
list||-
list|create|lr
list|rerun|lr
list|add|lr $U
list|remove|lr $U
list|tier|lr $U
list|show|lr
list|versions|lr
list|diff|lr 1 2
list|history|$U
list|export|lr $T/l.xlsx
case||-
case|add|$U
case|list|-
case|show|1
case|move|1
case|comment|1 text
case|departments|-
match|post|-
match|edit|1
match|withdraw|1
match|show|1
match|search|轴承
match|find|1
match|follow|-
match|unfollow|1
match|subscriptions|-
match|inbox|-
match|deal|1
match|deals|-
match|stats|-
match|reindex|-
risk|concentration|-
risk|spof|-
risk|articulation|-
risk|disrupt|-
risk|neighbours|$U
risk|neighbors|$U
risk|tts|-
innov||-
innov|stock|-
innov|holders|power_battery.cells
innov|map|-
innov|derive|-
report||-
report|plans|-
report|plan|m
report|open|1
report|list|-
report|show|1
report|fill|1
report|submit|1
report|return|1
report|accept|1
report|status|1
report|remind|-
report|notices|$U
report|provenance|$U
report|template|1 $T/t.xlsx
report|upload|1 $T/m.csv
green||-
green|factors|-
green|account|$U
green|bench|-
green|laggards|-
green|summary|-
green|factory-model|-
green|factory|$U
green|factory-assess|$U
green|factory-summary|-
digital||-
digital|model|-
digital|show|$U
digital|assess|$U
digital|summary|-
digital|need|$U
retrofit||-
retrofit|list|-
retrofit|show|1
retrofit|add|-
retrofit|summary|-
retrofit|need|1
retrofit|match|1
innov|tech|power_battery.cells
innov|platform|x
innov|platforms|-
innov|consortium|x
innov|consortia|-
innov|coverage|-
innov|challenge|x
innov|challenges|-
innov|applicants|1
innov|award|1
listing||-
listing|institution|x
listing|institutions|-
listing|consent|$U
listing|reserve|-
listing|show|$U
listing|progress|$U
listing|engage|$U
listing|funnel|-
listing|stalled|-
listing|history|-
"
have() { grep -qxF "$1" <<< "$(cut -d'|' -f1,2 <<< "$cases")"; }

# Coverage: every command and every subcommand the parser knows is listed above.
$CC help > "$T/help" || fail "help"
commands=$(sed -n 's/^  \([a-z]\+\) .*/\1/p' "$T/help")
[ "$(wc -w <<< "$commands")" -ge 20 ] && pass "help lists the commands" || fail "help lists the commands"
for c in $commands; do
  grep -q "^$c|" <<< "$cases" && pass "$c is walked" || fail "$c is not walked by this test"
  timeout 20 $CC $c $X > /dev/null 2> "$T/err"
  subs=$(sed -n "s/.*unknown subcommand '$X' (\(.*\))$/\1/p" "$T/err" | sed 's/,\| or / /g')
  for s in $subs; do
    have "$c|$s" && pass "$c $s is walked" || fail "$c $s is not walked by this test"
  done
done

# The walk. Nothing may succeed; each refusal is a usage error (exit 1) with the usage of the
# command ($c, set by the loop below) on stderr.
check_refused() {
  local what=$1 want=$2; shift 2
  timeout 20 "$@" > "$T/out" 2> "$T/err"
  local got=$?
  if [ "$want" = any ]; then
    [ "$got" -ne 0 ] && pass "$what refused (exit $got)" || fail "$what succeeded"
    return
  fi
  if [ "$got" -eq 1 ] && grep -q "^usage: chainchief $c" "$T/err"; then
    pass "$what: exit 1 and usage"
  else
    fail "$what: exit $got"
    head -3 "$T/err" | sed 's/^/    /'
  fi
}
while IFS='|' read -r c s args; do
  [ -z "$c" ] && continue
  [ "$args" = - ] && args=
  want=1
  if [ "$args" = VARIADIC ]; then args=; want=any; fi
  # shellcheck disable=SC2086
  check_refused "$c${s:+ $s} $args $X" "$want" $CC $c $s $args $X
  # shellcheck disable=SC2086
  check_refused "$c${s:+ $s} $args --zzz-unknown" 1 $CC $c $s $args --zzz-unknown
done <<< "$cases"
# A subcommand's error shows that subcommand's usage.
expect_status 1 "match search with a word and --q" $CC match search 轴承 --q 轴承
expect_grep "^usage: chainchief match search" "$T/err" "the subcommand's own usage"
expect_status 1 "an option of another subcommand" $CC match show 1 --kind supply
expect_grep "does not apply" "$T/err" "says the option does not apply"
finish
