#!/usr/bin/env bash
# multiprocess_protocols.sh SQT SOURCE_DIR — every multi-party protocol in
# the registry as separate `sqt` processes over loopback TCP with TLS:
# selftests on both rings, a short training, and for protocols secure with
# abort, a cheating process (--cheat-party, a test facility) that every
# honest process must answer by stopping with "abort".
set -u
sqt=$1
source_dir=$2
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
failures=0
checks=0
export SQT_DATA_DIR="${SQT_DATA_DIR:-$(cd "$source_dir/.." && pwd)/shared/data}"

new_peers() {  # new_peers N: N free ports below the ephemeral range
  local ports=() p
  while [ ${#ports[@]} -lt "$1" ]; do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && [[ " ${ports[*]} " != *" $p "* ]]; then
      ports+=("$p")
    fi
  done
  peers=$(printf '127.0.0.1:%s,' "${ports[@]}")
  peers=${peers%,}
}

bash "$source_dir/scripts/make-certs.sh" "$work/certs" 10 >/dev/null || exit 1

check() {  # check NAME CONDITION...
  local name=$1
  shift
  checks=$((checks + 1))
  if "$@"; then
    echo "ok: $name"
  else
    echo "FAILED: $name"
    for f in "$work"/out*; do sed "s|^|  $(basename "$f"): |" "$f" | tail -5; done
    failures=$((failures + 1))
  fi
}

# run_n N COMMAND ARGS... [-- EXTRA FOR PARTY 1]: N parties of `sqt COMMAND`.
run_n() {
  local n=$1 command=$2
  shift 2
  local args=() extra=() seen=0
  for a in "$@"; do
    if [ "$a" = "--" ]; then seen=1; elif [ $seen = 0 ]; then args+=("$a"); else extra+=("$a"); fi
  done
  new_peers "$n"
  rm -f "$work"/out*
  local pids=()
  for ((i = 0; i < n; i++)); do
    local mine=()
    [ "$i" = 1 ] && mine=("${extra[@]}")
    "$sqt" "$command" --peers "$peers" --certs "$work/certs" --connect-timeout 20 \
      "${args[@]}" "${mine[@]}" --party "$i" \
      >"$work/out$i" 2>&1 &
    pids+=($!)
  done
  codes=()
  for pid in "${pids[@]}"; do
    wait "$pid"
    codes+=($?)
  done
}
all_zero() { [[ "${codes[*]}" =~ ^(0 )*0$ ]]; }
honest_aborted() {  # every process but party 1 exited non-zero saying "abort"
  local i
  for ((i = 0; i < ${#codes[@]}; i++)); do
    [ "$i" = 1 ] && continue
    [ "${codes[$i]}" != 0 ] && grep -q "abort" "$work/out$i" || return 1
  done
}

for protocol in rep4; do
  n=$("$sqt" protocols | awk -v p=$protocol '$1 == p { print $2 }')
  for ring in 64 128; do
    run_n "$n" selftest --protocol $protocol --ring $ring
    check "$protocol selftest across $n processes over TLS, ring $ring" \
      bash -c "$(declare -f all_zero); codes=(${codes[*]}); all_zero && grep -q 'selftest passed' '$work/out0'"
  done
  for seed in 1 2 3; do
    run_n "$n" selftest --protocol $protocol --seed $seed -- --cheat-party 1
    check "$protocol: party 1 cheats (seed $seed), every honest process aborts" honest_aborted
  done
  run_n "$n" party --protocol $protocol --train-limit 2048 --test-limit 1000 --epochs 2 --seed 1
  accuracy=$(sed -n 's/^final test accuracy: \([0-9.]*\).*/\1/p' "$work/out0")
  check "$protocol trains network A across $n processes to >= 75% (got ${accuracy:-nothing})" \
    bash -c "$(declare -f all_zero); codes=(${codes[*]}); all_zero && awk 'BEGIN { exit !(${accuracy:-0} >= 0.75) }'"
done

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" = 0 ]
