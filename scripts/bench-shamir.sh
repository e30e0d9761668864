#!/usr/bin/env bash
# bench-shamir.sh [OUT] — shamir's cost as the number of parties grows: for
# N = 3, 5, 7 and 10, one training step of network A (batch 128) by N
# processes over TLS on loopback (`sqt bench step --processes N`), and the
# bytes per party per multiplication (`sqt bench ops`, in one process;
# online plus preprocessing: the king's double sharings from N = 6 on).
# Writes OUT.tsv (default docs/img/shamir-costs) with one row per N and,
# with gnuplot, OUT.svg: seconds per step and bytes per party per
# multiplication against N. Needs build/sqt (scripts/sqt.sh build).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/img/shamir-costs}
parties=(${SQT_SHAMIR_PARTIES:-3 5 7 10})
# The number of a "key":value pair in a one-line JSON object.
field() { grep -o "\"$2\":[0-9.e+-]*" <<<"$1" | head -n 1 | cut -d: -f2; }
printf "parties\tstep_seconds\tstep_mb_per_party\tstep_rounds\tstep_cpu_seconds\tmul_bytes_per_element\n" \
  >"$out.tsv"
for n in "${parties[@]}"; do
  step=$(./build/sqt bench step --model A --protocol shamir --parties "$n" --processes "$n" --json |
    tail -n 1)
  mul=$(./build/sqt bench ops --protocol shamir --parties "$n" --n 4096 --function-n 16 --reps 1 \
    --json | grep '"op":"mul"')
  awk -v n="$n" -v s="$(field "$step" seconds)" -v b="$(field "$step" bytes_per_party)" \
      -v bo="$(field "$step" offline_bytes_per_party)" \
      -v r="$(field "$step" rounds)" -v c="$(field "$step" cpu_seconds)" \
      -v m="$(field "$mul" bytes_per_party)" -v o="$(field "$mul" offline_bytes_per_party)" \
      -v e="$(field "$mul" n)" \
    'BEGIN { printf "%d\t%.2f\t%.1f\t%d\t%.2f\t%.1f\n", n, s, (b + bo) / 1e6, r, c, (m + o) / e }' >>"$out.tsv"
  tail -n 1 "$out.tsv"
done
command -v gnuplot >/dev/null || exit 0
gnuplot <<EOF
set terminal svg size 900,380 dynamic font "sans,12"
set output "$out.svg"
set multiplot layout 1,2 title "shamir: network A, batch 128, N processes over TLS on one machine (AMD EPYC, AVX2, 2 cores)"
set xlabel "parties N"
set xtics (3, 5, 7, 10)
set grid
set key off
set ylabel "seconds per training step"
plot "$out.tsv" using 1:2 skip 1 with linespoints lw 2 pt 7
set ylabel "bytes sent per party per multiplication (busiest, with preprocessing)"
set yrange [0:*]
plot "$out.tsv" using 1:6 skip 1 with linespoints lw 2 pt 7
unset multiplot
EOF
echo "wrote $out.tsv and $out.svg"
