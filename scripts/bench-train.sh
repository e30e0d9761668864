#!/usr/bin/env bash
# bench-train.sh [MODEL] [BATCHES] [-- EXTRA SQT OPTIONS] — the deployment
# benchmark: a short training of MODEL (default A) for BATCHES batches of 128
# (default 20) by three `sqt party` processes over TLS on loopback, then one
# JSON line: seconds, MB and rounds per party per training batch (loss and
# test evaluation excluded), peak RSS of each party, and the kernel variant.
# Needs build/sqt (scripts/sqt.sh build) and MNIST in $SQT_DATA_DIR (or
# ../shared/data). Extra options go to every party (e.g. --emulate-rtt-ms 1,
# --ring 128, --threads 2).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-A}
batches=${2:-20}
shift $(( $# >= 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
extra=("$@")
: "${SQT_DATA_DIR:=$(cd .. && pwd)/shared/data}"
export SQT_DATA_DIR
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
bash scripts/make-certs.sh "$work/certs" 3 >/dev/null
ports=()
while [ ${#ports[@]} -lt 3 ]; do
  p=$((20000 + RANDOM % 12000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && [[ " ${ports[*]} " != *" $p "* ]]; then
    ports+=("$p")
  fi
done
peers="127.0.0.1:${ports[0]},127.0.0.1:${ports[1]},127.0.0.1:${ports[2]}"
args=(--peers "$peers" --certs "$work/certs" --model "$model" --epochs 1
      --train-limit $((batches * 128)) --test-limit 128 "${extra[@]}")
for i in 1 2; do ./build/sqt party --id "$i" "${args[@]}" >"$work/out$i" 2>&1 & done
if ! ./build/sqt party --id 0 "${args[@]}" --metrics-out "$work/m.jsonl" >"$work/out0" 2>&1; then
  cat "$work/out0" >&2
  exit 1
fi
wait
rss() { sed -n 's/^party [0-9]: peak RSS \([0-9]*\) MB.*/\1/p' "$work/out$1"; }
kernel=$(sed -n 's/^party 0: .*matrix kernel \([a-z0-9]*\)$/\1/p' "$work/out0")
metrics=$(tail -n 1 "$work/m.jsonl")
field() { echo "$metrics" | grep -o "\"$1\":[0-9.e+-]*" | cut -d: -f2; }
awk -v model="$model" -v b="$(field batches)" -v s="$(field train_seconds)" \
    -v bytes="$(field train_bytes_per_party)" -v r="$(field train_rounds)" \
    -v r0="$(rss 0)" -v r1="$(rss 1)" -v r2="$(rss 2)" -v kernel="$kernel" -v extra="${extra[*]:-}" \
  'BEGIN { printf "{\"model\":\"%s\",\"processes\":3,\"tls\":true,\"batches\":%d,\"seconds_per_batch\":%.4f,\"mb_per_party_per_batch\":%.2f,\"rounds_per_batch\":%.1f,\"peak_rss_mb\":[%s,%s,%s],\"kernel\":\"%s\",\"options\":\"%s\"}\n", model, b, s / b, bytes / b / 1e6, r / b, r0, r1, r2, kernel, extra }'
