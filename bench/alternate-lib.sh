# Shared by the alternating shell benchmarks (bench/ls-alternate.sh, bench/ls-parse-alternate.sh):
# source it after setting WORK (the scratch folder). HOME points into WORK, so no user-level
# profile or cache changes what is timed.

run() { # label dir command...: one line "label wall-ms cpu-ms" (user + system of the command)
  local label=$1 dir=$2
  shift 2
  local start end
  start=$(date +%s%N)
  (cd "$dir" && HOME="$WORK" /usr/bin/time -f '%U %S' -o "$WORK/time" "$@" >/dev/null 2>&1) || true
  end=$(date +%s%N)
  read -r user sys < <(tail -1 "$WORK/time")
  echo "$label $(((end - start) / 1000000)) $(echo "($user + $sys) * 1000 / 1" | bc)"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

spread() { sort -n | awk '{ v[NR] = $1 } END { print v[1] "-" v[NR] }'; }

report() { # runs-file label...: per label, the median wall time and the median user+system CPU (min-max after each)
  local runs=$1
  shift
  for label in "$@"; do
    wall=$(awk -v l="$label" '$1 == l { print $2 }' "$runs" | median)
    wall_range=$(awk -v l="$label" '$1 == l { print $2 }' "$runs" | spread)
    cpu=$(awk -v l="$label" '$1 == l { print $3 }' "$runs" | median)
    cpu_range=$(awk -v l="$label" '$1 == l { print $3 }' "$runs" | spread)
    echo "$label: median wall ${wall} ms (${wall_range}), user+sys ${cpu} ms (${cpu_range})"
  done
}
