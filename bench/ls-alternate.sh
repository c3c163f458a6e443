#!/bin/bash
# `tsdbt ls` on the example project against `node -e 0`, alternated so that load changes hit every
# command alike: ROUNDS rounds of `node -e 0`, a base build's `tsdbt ls` (BASE: a folder with that
# build's bin/tsdbt and dist/, e.g. an unpacked `git archive` of main, built), this checkout's
# `tsdbt ls` and its `tsdbt --help`. Each tsdbt runs in its own copy of the example project, compiled
# once first (so `ls` may answer from the compile record). Prints the 1-minute load average before
# and after, and per command the median wall time and the median user+system CPU (the figure to
# trust on a shared machine).
#
#   bench/ls-alternate.sh /tmp/base-build 15
set -euo pipefail
BASE=${1:?usage: bench/ls-alternate.sh BASE_BUILD_DIR [ROUNDS]}
ROUNDS=${2:-15}
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for copy in base here; do
  mkdir "$WORK/$copy"
  cp -r "$HERE/project.yml" "$HERE/models" "$HERE/macros" "$WORK/$copy/"
  # A compile does not vouch for files changed less than a second before it started.
  find "$WORK/$copy" -type f -exec touch -d '1 hour ago' {} +
done
(cd "$WORK/base" && node "$BASE/bin/tsdbt" compile >/dev/null 2>&1)
(cd "$WORK/here" && node "$HERE/bin/tsdbt" compile >/dev/null 2>&1)

# shellcheck source=bench/alternate-lib.sh
source "$HERE/bench/alternate-lib.sh"

echo "before: $(cut -d' ' -f1 /proc/loadavg) (1-minute load average)"
for _ in $(seq "$ROUNDS"); do
  run node0 "$WORK" node -e 0
  run base "$WORK/base" node "$BASE/bin/tsdbt" ls
  run ls "$WORK/here" node "$HERE/bin/tsdbt" ls
  run help "$WORK/here" node "$HERE/bin/tsdbt" --help
done >"$WORK/runs"
echo "after: $(cut -d' ' -f1 /proc/loadavg)"
report "$WORK/runs" node0 base ls help
