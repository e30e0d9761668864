#!/usr/bin/env bash
# multiprocess.sh SQT SOURCE_DIR — three `sqt selftest` processes over
# loopback TCP: with TLS, without TLS, and the failure modes (a certificate
# from a foreign CA, a party that never comes up, mismatched options).
set -u
sqt=$1
source_dir=$2
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
failures=0
# Three ports nobody is listening on (checked with a connection attempt),
# below the kernel's ephemeral range so no client socket can hold them.
new_peers() {
  local ports=() p
  while [ ${#ports[@]} -lt 3 ]; do
    p=$((20000 + RANDOM % 12000))  # below the ephemeral range (32768+)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && [[ " ${ports[*]} " != *" $p "* ]]; then
      ports+=("$p")
    fi
  done
  peers="127.0.0.1:${ports[0]},127.0.0.1:${ports[1]},127.0.0.1:${ports[2]}"
}
new_peers

bash "$source_dir/scripts/make-certs.sh" "$work/certs" 3 >/dev/null || exit 1
bash "$source_dir/scripts/make-certs.sh" "$work/foreign" 3 >/dev/null || exit 1

checks=0
check() {  # check NAME CONDITION...
  local name=$1
  shift
  checks=$((checks + 1))
  if "$@"; then
    echo "ok: $name"
  else
    echo "FAILED: $name"
    for i in 0 1 2; do [ -f "$work/out$i" ] && sed "s/^/  party $i: /" "$work/out$i"; done
    failures=$((failures + 1))
  fi
}

# run_parties ARGS0 -- ARGS1 -- ARGS2 : start three parties, wait, record exit codes.
run_parties() {
  local i=0 args=() pids=()
  for a in "$@" --; do
    if [ "$a" = "--" ]; then
      # shellcheck disable=SC2086
      "$sqt" selftest --party "$i" --peers "$peers" --connect-timeout 5 "${args[@]}" \
        >"$work/out$i" 2>&1 &
      pids+=($!)
      i=$((i + 1))
      args=()
    else
      args+=("$a")
    fi
  done
  codes=()
  for pid in "${pids[@]}"; do
    wait "$pid"
    codes+=($?)
  done
}
all_passed() { [ "${codes[*]}" = "0 0 0" ] && grep -q "selftest passed" "$work/out0"; }
all_failed() { [[ "${codes[*]}" != *0* ]]; }
said() { grep -q "$1" "$work"/out*; }

run_parties --certs "$work/certs" -- --certs "$work/certs" -- --certs "$work/certs"
check "three processes over TLS multiply and open correctly" all_passed

new_peers
run_parties --certs "$work/certs" --ring 128 -- --certs "$work/certs" --ring 128 -- --certs "$work/certs" --ring 128
check "the same over the 128-bit ring" all_passed

new_peers
run_parties --insecure-no-tls -- --insecure-no-tls -- --insecure-no-tls
check "without TLS, with a warning" bash -c "[ '${codes[*]}' = '0 0 0' ] && grep -q 'WARNING: TLS is off' '$work/out0'"

new_peers
run_parties --certs "$work/certs" -- --ca "$work/certs/ca.pem" --cert "$work/foreign/party1.pem" \
  --key "$work/foreign/party1.key" -- --certs "$work/certs"
check "a certificate from a foreign CA is refused with a clear error" \
  bash -c "[[ '${codes[*]}' != '0 0 0' ]] && grep -q 'TLS handshake with .* failed' '$work'/out*"

new_peers
run_parties --certs "$work/certs" --n 10 -- --certs "$work/certs" --n 10 -- --certs "$work/certs" --n 20
check "mismatched options are reported with the field" \
  bash -c "all_failed() { [[ '${codes[*]}' != *0* ]]; }; all_failed && grep -q 'configuration mismatch with party .*: n is' '$work'/out*"

new_peers
"$sqt" selftest --party 0 --peers "$peers" --certs "$work/certs" --connect-timeout 1 >"$work/out0" 2>&1
code=$?
rm -f "$work/out1" "$work/out2"
check "a party that never comes up is named after the connect timeout" \
  bash -c "[ $code -ne 0 ] && grep -q 'parties 1 2 did not connect to party 0 within the connect timeout' '$work/out0'"

# Training across three processes over TLS (party 0 holds the data).
export SQT_DATA_DIR="${SQT_DATA_DIR:-$source_dir/../shared/data}"
new_peers
train_args=(--certs "$work/certs" --train-limit 512 --test-limit 200 --epochs 1 --batch-size 128)
for i in 1 2; do
  "$sqt" party --id "$i" --peers "$peers" "${train_args[@]}" >"$work/out$i" 2>&1 &
done
"$sqt" party --id 0 --peers "$peers" "${train_args[@]}" --save-model "$work/model.json" >"$work/out0" 2>&1
code0=$?
wait
"$sqt" eval --model-file "$work/model.json" --test-limit 200 >"$work/eval" 2>&1
accuracy=$(sed -n 's/^final test accuracy: \([0-9.]*\) .*/\1/p' "$work/out0")
check "three sqt party processes train over TLS; the revealed model evaluates to the MPC accuracy" \
  bash -c "[ $code0 -eq 0 ] && [ -n '$accuracy' ] && grep -q 'test accuracy (plaintext evaluation of .*): $accuracy' '$work/eval'"

new_peers
for i in 1 2; do
  "$sqt" party --id "$i" --peers "$peers" "${train_args[@]}" --lr 0.05 >"$work/out$i" 2>&1 &
done
"$sqt" party --id 0 --peers "$peers" "${train_args[@]}" >"$work/out0" 2>&1
wait
check "parties started with different training options stop with the option named" \
  grep -q "configuration mismatch with party .*: lr is" "$work/out0"

# One cluster file for every host (--config): peers, TLS, protocol, training.
write_cluster() {  # write_cluster FILE EPOCHS
  {
    echo 'protocol = "rep3"'
    echo '[tls]'
    echo "certs = \"$work/certs\""
    for p in ${peers//,/ }; do printf '[[party]]\naddress = "%s"\n' "$p"; done
    printf '[train]\nmodel = "A"\ntrain_limit = 512\ntest_limit = 200\nepochs = %s\nbatch_size = 128\n' "$2"
  } >"$1"
}
run_config_parties() {  # run_config_parties FILE0 FILE1 FILE2 [ARGS for party 0...]
  local files=("$1" "$2" "$3") i
  shift 3
  for i in 1 2; do "$sqt" party --config "${files[$i]}" --id "$i" >"$work/out$i" 2>&1 & done
  "$sqt" party --config "${files[0]}" --id 0 "$@" >"$work/out0" 2>&1
  code0=$?
  wait
}
new_peers
write_cluster "$work/cluster.toml" 1
"$sqt" selftest --config "$work/cluster.toml" --id 1 >"$work/out1" 2>&1 &
"$sqt" selftest --config "$work/cluster.toml" --id 2 >"$work/out2" 2>&1 &
"$sqt" selftest --config "$work/cluster.toml" --id 0 >"$work/out0" 2>&1
code0=$?
wait
check "sqt selftest --config cluster.toml --id I across three processes over TLS" \
  bash -c "[ $code0 -eq 0 ] && grep -q 'selftest passed: rep3 party 0 of 3' '$work/out0'"
new_peers
write_cluster "$work/cluster.toml" 1
run_config_parties "$work/cluster.toml" "$work/cluster.toml" "$work/cluster.toml" --save-model "$work/config-model.json"
check "three sqt party --config processes train; the file's options are used (512 samples: 4 batches)" \
  bash -c "[ $code0 -eq 0 ] && grep -q 'final test accuracy: [0-9.]* ([0-9]*/200)' '$work/out0' && grep -q 'batch 4/4' '$work/out0' && [ -s '$work/config-model.json' ]"
new_peers
write_cluster "$work/cluster.toml" 1
write_cluster "$work/cluster2.toml" 2
run_config_parties "$work/cluster.toml" "$work/cluster.toml" "$work/cluster2.toml"
check "a host with a different cluster file is stopped by the options check" \
  bash -c "[ $code0 -ne 0 ] && grep -q 'configuration mismatch with party 2 .*: cluster_config_sha256' '$work/out0'"
printf '[[party]]\naddress = "127.0.0.1:1"\n[train]\nepoch = 3\n' >"$work/typo.toml"
"$sqt" party --config "$work/typo.toml" --id 0 >"$work/out0" 2>&1
code0=$?
rm -f "$work/out1" "$work/out2"
check "an unknown key in the cluster file is named with its table" \
  bash -c "[ $code0 -ne 0 ] && grep -q \"typo.toml: 'train.epoch' is not an option of sqt party\" '$work/out0'"
printf 'protocol = "rep3\n' >"$work/syntax.toml"
"$sqt" party --config "$work/syntax.toml" --id 0 >"$work/out0" 2>&1
code0=$?
check "a TOML syntax error names file, line and column" \
  bash -c "[ $code0 -ne 0 ] && grep -q 'syntax.toml:1:[0-9]*: ' '$work/out0'"

# Messages of tens of MB exchanged by all parties at once around the ring.
new_peers
run_parties --certs "$work/certs" --n 4000000 -- --certs "$work/certs" --n 4000000 -- \
  --certs "$work/certs" --n 4000000
check "selftest with 4,000,000 elements (32 MB messages) across three processes" all_passed

# Network C (LeNet), whose convolutions send messages larger than any socket buffer.
new_peers
c_args=(--certs "$work/certs" --model C --train-limit 256 --test-limit 128 --epochs 1)
for i in 1 2; do
  "$sqt" party --id "$i" --peers "$peers" "${c_args[@]}" >"$work/out$i" 2>&1 &
done
"$sqt" party --id 0 --peers "$peers" "${c_args[@]}" >"$work/out0" 2>&1
code0=$?
wait
check "three processes train network C over TLS" \
  bash -c "[ $code0 -eq 0 ] && grep -q 'final test accuracy' '$work/out0'"

# A lost party: killed (connection reset) or stopped (connection open and
# silent). The others must exit non-zero within 30 s and name it.
lose_party() {  # lose_party SIGNAL
  new_peers
  local a_args=(--certs "$work/certs" --model A --train-limit 30000 --test-limit 128 --epochs 1
                --peer-timeout 3)
  local pids=() i
  for i in 0 1 2; do
    "$sqt" party --id "$i" --peers "$peers" "${a_args[@]}" >"$work/out$i" 2>&1 &
    pids+=($!)
  done
  for _ in $(seq 100); do grep -q "batch" "$work/out0" 2>/dev/null && break; sleep 0.2; done
  kill "-$1" "${pids[2]}"
  local start=$SECONDS
  wait "${pids[0]}"; lost_codes="$?"
  wait "${pids[1]}"; lost_codes="$lost_codes $?"
  lost_seconds=$((SECONDS - start))
  kill -9 "${pids[2]}" 2>/dev/null
  wait "${pids[2]}" 2>/dev/null
}
lose_party KILL
check "killing party 2 mid-epoch stops parties 0 and 1 within 30 s, naming party 2" \
  bash -c "[[ '$lost_codes' != *0* ]] && [ $lost_seconds -le 30 ] && grep -q 'party 2 (127.0.0.1:[0-9]*) disconnected' '$work/out0' && grep -q 'party 2 (127.0.0.1:[0-9]*) disconnected' '$work/out1'"
lose_party STOP
check "stopping party 2 (SIGSTOP) mid-epoch stops parties 0 and 1 within 30 s, naming party 2" \
  bash -c "[[ '$lost_codes' != *0* ]] && [ $lost_seconds -le 30 ] && grep -q 'party 2 (127.0.0.1:[0-9]*) stopped responding' '$work/out0' && grep -q 'party 2 (127.0.0.1:[0-9]*) stopped responding' '$work/out1'"

# Checkpoint after epoch 1, then resume: only epoch 2 is trained.
run_training() {  # run_training ARGS... (each party checkpoints into its own directory)
  new_peers
  local i
  for i in 1 2; do
    "$sqt" party --id "$i" --peers "$peers" --checkpoint-dir "$work/ckpt$i" "$@" >"$work/out$i" 2>&1 &
  done
  "$sqt" party --id 0 --peers "$peers" --checkpoint-dir "$work/ckpt0" "$@" >"$work/out0" 2>&1
  train_code=$?
  wait
}
ck_args=(--certs "$work/certs" --train-limit 2048 --test-limit 500 --metrics-out "$work/ck.jsonl")
run_training "${ck_args[@]}" --epochs 1
check "each party writes its own checkpoint of epoch 1" \
  bash -c "[ $train_code -eq 0 ] && ls '$work'/ckpt0/party0-epoch1.sqtckpt '$work'/ckpt1/party1-epoch1.sqtckpt '$work'/ckpt2/party2-epoch1.sqtckpt >/dev/null"
run_training "${ck_args[@]}" --epochs 2 --resume
resumed_accuracy=$(sed -n 's/^final test accuracy: \([0-9.]*\) .*/\1/p' "$work/out0")
check "--epochs 2 --resume trains only epoch 2 (metrics rows 1 then 2; accuracy ${resumed_accuracy:-none} >= 0.70)" \
  bash -c "[ $train_code -eq 0 ] && grep -q 'resuming after epoch 1' '$work/out0' && ! grep -q '^epoch 1' '$work/out0' && [ \"\$(grep -o '\"epoch\":[0-9]*' '$work/ck.jsonl' | tr '\n' ' ')\" = '\"epoch\":1 \"epoch\":2 ' ] && awk -v a='${resumed_accuracy:-0}' 'BEGIN { exit !(a >= 0.70) }' && ls '$work'/ckpt1 | grep -qx party1-epoch2.sqtckpt && ! ls '$work'/ckpt1 | grep -q epoch1"

# Link emulation: a step of R rounds takes R * rtt / 2 longer (at least 80%
# of it; at most 140%: under ctest -j2 on two cores the other tests' load
# delays each of the R wake-ups a little). Mean of two steps after a
# warm-up.
"$sqt" bench step --model A --processes 3 --steps 2 --json >"$work/step0" 2>&1
"$sqt" bench step --model A --processes 3 --steps 2 --emulate-rtt-ms 20 --json >"$work/step20" 2>&1
summary() { tail -n 1 "$1" | grep -o "\"$2\":[0-9.e+-]*" | cut -d: -f2; }
t0=$(summary "$work/step0" seconds)
t20=$(summary "$work/step20" seconds)
rounds=$(summary "$work/step20" rounds)
check "emulated 20 ms RTT: T(r) - T(0) = $(awk -v a="${t20:-0}" -v b="${t0:-0}" 'BEGIN{printf "%.3f", a-b}') s within -20%/+40% of R*r/2 = $(awk -v r="${rounds:-0}" 'BEGIN{printf "%.3f", r*0.01}') s" \
  awk -v a="${t20:-0}" -v b="${t0:-0}" -v r="${rounds:-0}" 'BEGIN { d = a - b; e = r * 0.010; exit !(r > 0 && d >= 0.8 * e && d <= 1.4 * e) }'
busiest=$(summary "$work/step0" bytes_per_party)
mean=$(summary "$work/step0" bytes_mean_party)
check "bench step reports the mean bytes per party ($mean) beside the busiest party's ($busiest)" \
  awk -v b="${busiest:-0}" -v m="${mean:-0}" 'BEGIN { exit !(m > 0 && m <= b) }'

# The deployment benchmark script reports per-batch figures as JSON.
SQT_DATA_DIR="$SQT_DATA_DIR" bash "$source_dir/scripts/bench-train.sh" A 4 >"$work/bench" 2>&1
check "scripts/bench-train.sh reports seconds, MB and rounds per batch and peak RSS" \
  grep -q '"batches":4,"seconds_per_batch":[0-9.]*,"mb_per_party_per_batch":[56]\.[0-9]*,"rounds_per_batch":[0-9.]*,"peak_rss_mb":\[[0-9]*,[0-9]*,[0-9]*\]' "$work/bench"

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
