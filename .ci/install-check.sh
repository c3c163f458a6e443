#!/usr/bin/env bash
# The package as a user gets it: `npm pack`, installed into an empty prefix with the ordinary npm
# command, then used from a folder outside the repository (init, build, shell completion).
# Prints the installed size and the time of a cold `tsdbt --version` from the installed package.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d "${TMPDIR:-/tmp}/tsdbt-install-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT

tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
npm install --global --no-audit --no-fund --prefix "$work/prefix" "$work/$tarball" >/dev/null
export PATH="$work/prefix/bin:$PATH"
installed="$work/prefix/lib/node_modules/tsdbt"

# Nothing from the repository's development side may ship: no sources, no tests, no TypeScript build at install.
for unwanted in src test bench .ci tsconfig.json; do
  [[ ! -e "$installed/$unwanted" ]] || { echo "install-check: the package ships $unwanted" >&2; exit 1; }
done

mkdir -p "$work/outside"
cd "$work/outside"
[[ "$(command -v tsdbt)" == "$work/prefix/bin/tsdbt" ]] || { echo "install-check: tsdbt is not the installed one" >&2; exit 1; }
tsdbt init demo --yes >/dev/null
(cd demo && HOME="$work/home" tsdbt build)
tsdbt completion bash | grep -q 'complete' || { echo "install-check: tsdbt completion bash printed no completion" >&2; exit 1; }

start=$(date +%s%N)
tsdbt --version >/dev/null
end=$(date +%s%N)
echo "install-check: installed package $(du -sh "$installed" --exclude=node_modules | cut -f1) (with dependencies $(du -sh "$installed" | cut -f1)); cold tsdbt --version $(( (end - start) / 1000000 )) ms"
