#!/bin/sh
# Lists the C functions in src/ longer than N lines (default 150), longest first: length, file
# and line, name. A function runs from its signature's first line to its closing brace; the
# house style (.clang-format, Linux braces) puts a function's opening and closing braces alone
# at column 0, which is what this relies on.
#   scripts/long-functions.sh [N] [DIR]
N=${1:-150}
DIR=${2:-src}
find "$DIR" -name '*.c' | sort | xargs awk -v N="$N" '
FNR == 1 { infn = 0; sig = ""; sigline = 0 }
!infn && /^[A-Za-z_].*\(/ { sig = $0; sigline = FNR }
/^\{/ { name = sig; start = sigline; infn = 1 }
infn && /^\}/ {
	len = FNR - start + 1
	if (len > N) {
		n = name; sub(/\(.*/, "", n); k = split(n, w, /[ *]+/)
		printf "%5d  %s:%d  %s\n", len, FILENAME, start, w[k]
	}
	infn = 0
}
' | sort -rn
