#!/usr/bin/env bash
# multiprocess_protocols.sh SQT SOURCE_DIR — every multi-party protocol in
# the registry as separate `sqt` processes over loopback TCP with TLS:
# selftests on both rings, a short training, and for protocols secure with
# abort (rep4, mal3), a cheating process (--cheat-party, a test facility)
# that every honest process must answer by stopping with "abort". semi2k: 2 and 10
# parties with a dealer (the process after the parties in --peers); shamir:
# 3 and 10 processes, Z_2^64 only.
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

bash "$source_dir/scripts/make-certs.sh" "$work/certs" 11 >/dev/null || exit 1

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

for protocol in rep4 mal3; do
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
  run_n "$n" selftest --protocol $protocol --ring 128 --seed 4 -- --cheat-party 1
  check "$protocol, ring 128: party 1 cheats (seed 4), every honest process aborts" honest_aborted
  if [ $protocol = rep4 ]; then
    run_n "$n" party --protocol $protocol --train-limit 2048 --test-limit 1000 --epochs 2 --seed 1
    want=0.75
  else  # mal3's random bits make a step of A ~56x rep3's (11.2 s): a short run here
    # (2 batches: it must finish and beat chance, 10%; 27.5% measured; the
    # 2,048-sample run reaches 81.9%, README)
    run_n "$n" party --protocol $protocol --train-limit 256 --test-limit 200 --epochs 1 --seed 1
    want=0.15
  fi
  accuracy=$(sed -n 's/^final test accuracy: \([0-9.]*\).*/\1/p' "$work/out0")
  check "$protocol trains network A across $n processes to >= $want (got ${accuracy:-nothing})" \
    bash -c "$(declare -f all_zero); codes=(${codes[*]}); all_zero && awk 'BEGIN { exit !(${accuracy:-0} >= $want) }'"
done

# semi2k: the party count chosen at run time (--parties) and a dealer node
# (--dealer: the last address of --peers, the process with --party N).
for parties in 2 10; do
  nodes=$((parties + 1))
  run_n "$nodes" selftest --protocol semi2k --parties $parties --dealer
  check "semi2k selftest with $parties parties and a dealer across $nodes processes over TLS" \
    bash -c "$(declare -f all_zero); codes=(${codes[*]}); all_zero && grep -q 'selftest passed: semi2k party 0 of $parties' '$work/out0' && grep -q 'dealer: served the run' '$work/out$parties'"
done
# Without a dealer: preprocessing by OT between every pair of processes.
for parties in 2 10; do
  run_n "$parties" selftest --protocol semi2k --parties $parties
  check "semi2k selftest with $parties parties and OT preprocessing across $parties processes over TLS" \
    bash -c "$(declare -f all_zero); codes=(${codes[*]}); all_zero && grep -q 'selftest passed: semi2k party 0 of $parties' '$work/out0'"
done
# shamir: Shamir sharing over F_p (p = 2^127 - 1), honest majority, 3 to 10
# parties chosen at run time.
for parties in 3 10; do
  run_n "$parties" selftest --protocol shamir --parties $parties
  check "shamir selftest with $parties parties across $parties processes over TLS" \
    bash -c "$(declare -f all_zero); codes=(${codes[*]}); all_zero && grep -q 'selftest passed: shamir party 0 of $parties' '$work/out0'"
done
run_n 3 selftest --protocol shamir --ring 128
check "shamir with --ring 128 is refused by every process, naming the ring" \
  bash -c "[[ '${codes[*]}' != *0* ]] && grep -q 'shamir does not run over Z_2^128' '$work/out0'"
run_n 3 party --protocol semi2k --parties 2 --dealer --train-limit 512 --test-limit 200 --epochs 1
check "semi2k trains across 2 sqt party processes and a dealer process" \
  bash -c "$(declare -f all_zero); codes=(${codes[*]}); all_zero && grep -q 'final test accuracy' '$work/out0' && grep -q 'dealer: served the run' '$work/out2'"

# The third process, meant as the dealer, is started with --parties 3 (a
# third computing party, no dealer): every process stops at start-up with the
# differing option named.
new_peers 3
rm -f "$work"/out*
pids=()
for i in 0 1 2; do
  mine=(--parties 2 --dealer)
  [ "$i" = 2 ] && mine=(--parties 3)
  "$sqt" selftest --protocol semi2k "${mine[@]}" --peers "$peers" --certs "$work/certs" \
    --connect-timeout 20 --party "$i" >"$work/out$i" 2>&1 &
  pids+=($!)
done
codes=()
for pid in "${pids[@]}"; do
  wait "$pid"
  codes+=($?)
done
check "a dealer started with other --parties: every process stops with a configuration mismatch" \
  bash -c "[[ '${codes[*]}' != *0* ]] && grep -q 'configuration mismatch with party 2 .*: \(dealer\|parties\) is' '$work/out0' && grep -q 'configuration mismatch' '$work/out2'"
"$sqt" selftest --protocol semi2k --parties 3 --dealer --peers "$peers" --certs "$work/certs" \
  --party 2 >"$work/out0" 2>&1
code=$?
check "--parties 3 --dealer with 3 addresses is refused before connecting, naming the count" \
  bash -c "[ $code -ne 0 ] && grep -q 'needs 4 addresses (the 3 computing parties, then the dealer), got 3' '$work/out0'"

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" = 0 ]
