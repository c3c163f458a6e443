#!/bin/bash
# `tsdbt ls` where it must parse (no compile record) on the example project, against `node -e 0`,
# alternated so that load changes hit every command alike. Per round: `node -e 0`; then for a base
# build (BASE: a folder with that build's bin/tsdbt and dist/, e.g. an unpacked `git archive` of
# main, built) and this checkout, `ls` on a copy with no target/ at all (removed before each run,
# untimed: the very first ls of a project) and `ls` on a copy that keeps its target/ between runs
# (what earlier parses left there, partial_parse.json…, but never a compile: what bench/startup.ts
# times as "ls"). Prints the 1-minute load average before and after, and per command the median
# wall time and the median user+system CPU.
#
#   bench/ls-parse-alternate.sh /tmp/base-build 15
set -euo pipefail
BASE=${1:?usage: bench/ls-parse-alternate.sh BASE_BUILD_DIR [ROUNDS]}
ROUNDS=${2:-15}
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for copy in base-first here-first base-kept here-kept; do
  mkdir "$WORK/$copy"
  cp -r "$HERE/project.yml" "$HERE/models" "$HERE/macros" "$WORK/$copy/"
done
# Warm the file cache, and give the kept copies what a first ls leaves.
for build in base here; do
  bin=$([ $build = base ] && echo "$BASE/bin/tsdbt" || echo "$HERE/bin/tsdbt")
  (cd "$WORK/$build-first" && HOME="$WORK" node "$bin" ls >/dev/null 2>&1)
  (cd "$WORK/$build-kept" && HOME="$WORK" node "$bin" ls >/dev/null 2>&1)
done

# shellcheck source=bench/alternate-lib.sh
source "$HERE/bench/alternate-lib.sh"

echo "before: $(cut -d' ' -f1 /proc/loadavg) (1-minute load average)"
for _ in $(seq "$ROUNDS"); do
  run node0 "$WORK" node -e 0
  rm -rf "$WORK/base-first/target" "$WORK/base-first/logs"
  run base-first "$WORK/base-first" node "$BASE/bin/tsdbt" ls
  rm -rf "$WORK/here-first/target" "$WORK/here-first/logs"
  run here-first "$WORK/here-first" node "$HERE/bin/tsdbt" ls
  run base-kept "$WORK/base-kept" node "$BASE/bin/tsdbt" ls
  run here-kept "$WORK/here-kept" node "$HERE/bin/tsdbt" ls
done >"$WORK/runs"
echo "after: $(cut -d' ' -f1 /proc/loadavg)"
report "$WORK/runs" node0 base-first here-first base-kept here-kept
