#!/usr/bin/env bash
# Installs what ChainChief needs on Debian 12, only what is missing. Run as root (or with sudo
# available). Usage: scripts/setup.sh [build|test]
#   build: compiler, CMake and the libraries (enough for `make demo`)
#   test:  also clang (fuzzing) and clang-format (the style check), Node.js + npm packages, Chromium (browser tests) and the
#          Python oracles used by tests.
set -euo pipefail
what=${1:-build}
cd "$(dirname "$0")/.."

pkgs=(build-essential cmake pkg-config libsqlite3-dev libjansson-dev libmicrohttpd-dev
      libxlsxwriter-dev libminizip-dev libexpat1-dev libsodium-dev libcmocka-dev libglpk-dev
      sqlite3 libpq-dev)
# Node.js: any install will do (Debian's nodejs + npm, or a vendor build that ships npm
# itself and conflicts with Debian's npm package), so look for the commands, not packages.
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)
if [ "$what" = test ]; then
  pkgs+=(clang clang-format libclang-rt-14-dev chromium python3-numpy python3-igraph python3-networkx
         fonts-noto-cjk
         libreoffice-calc-nogui poppler-utils wrk nginx-light hyperfine time bc
         postgresql-15 postgresql-contrib # the throw-away PostgreSQL of the tests (scripts/pg_tmp.sh)
         python3-psycopg2) # the API and CLI tests' own SQL on PostgreSQL (tests/api/testdb.py)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ECharts (served by the binary) and playwright-core (browser tests) come from npm.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
