#!/usr/bin/env bash
# infer_cli.sh SQT SOURCE_DIR — `sqt infer` across separate processes over
# TLS: party 0 inputs a saved model, the client (the last node) its test
# images; the client alone gets the predicted classes, which must equal
# those of `sqt eval` on the same model. rep3, mal3 and semi2k (2 parties);
# then the errors of a mismatched client and of missing options.
set -u
sqt=$1
source_dir=$2
source "$source_dir/tests/lib.sh"
bash "$source_dir/scripts/make-certs.sh" "$work/certs" 4 >/dev/null || exit 1

# run_infer N CLIENT_ARGS -- PARTY_ARGS: N computing parties and the client.
run_infer() {
  local n=$1 client_args=() party_args=() i
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do client_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  party_args=("$@")
  new_peers $((n + 1))
  rm -f "$work"/node*.log "$work/pred"
  for i in $(seq 1 $((n - 1))); do
    "$sqt" infer --id "$i" --peers "$peers" --certs "$work/certs" "${party_args[@]}" >"$work/node$i.log" 2>&1 &
  done
  "$sqt" infer --id 0 --peers "$peers" --certs "$work/certs" --model-file "$work/a.json" \
    "${party_args[@]}" >"$work/node0.log" 2>&1 &
  "$sqt" infer --id "$n" --peers "$peers" --certs "$work/certs" "${party_args[@]}" \
    "${client_args[@]}" >"$work/node$n.log" 2>&1
  client_code=$?
  wait
}
agree_with_eval() {  # agree_with_eval MIN: lines of $work/pred equal to sqt eval's
  [ -f "$work/pred" ] && [ "$(paste "$work/pred" "$work/eval.pred" | awk '$1 == $2' | wc -l)" -ge "$1" ]
}
nothing_but_counts_at_parties() {  # the parties print a summary, not the classes
  local n=$1 i
  for i in $(seq 0 $((n - 1))); do
    grep -q "served 100 predictions to the client" "$work/node$i.log" || return 1
    [ "$(wc -l < "$work/node$i.log")" -le 2 ] || return 1
  done
}

"$sqt" train --protocol plain --model A --train-limit 2048 --test-limit 100 --epochs 1 \
  --save-model "$work/a.json" >"$work/train.log" 2>&1 || { cat "$work/train.log"; exit 1; }
"$sqt" eval --model-file "$work/a.json" --test-limit 100 --predictions-out "$work/eval.pred" >/dev/null

for proto in rep3 mal3; do
  run_infer 3 --test-limit 100 --predictions-out "$work/pred" -- --protocol "$proto"
  check "$proto: three parties and a client over TLS; the client's 100 classes match sqt eval (>= 99)" \
    bash -c "[ $client_code -eq 0 ] && $(declare -f agree_with_eval); work='$work' agree_with_eval 99"
  check "$proto: the parties print only what they served" \
    bash -c "$(declare -f nothing_but_counts_at_parties); work='$work' nothing_but_counts_at_parties 3"
done
run_infer 2 --test-limit 100 --predictions-out "$work/pred" -- --protocol semi2k --parties 2
check "semi2k: two parties and a client; the client's 100 classes match sqt eval (>= 99)" \
  bash -c "[ $client_code -eq 0 ] && $(declare -f agree_with_eval); work='$work' agree_with_eval 99"

said() { grep -q "$1" "$work"/node*.log; }
[ -f "$SQT_DATA_DIR/cifar10/test_batch.bin.gz" ] && {
  run_infer 3 --dataset cifar10 --test-limit 10 -- --protocol rep3
  check "a client whose samples do not fit the model is refused, naming both shapes" \
    bash -c "[ $client_code -ne 0 ] && grep -q \"the client's samples have 3072 values but model 'A' takes 784\" '$work'/node*.log"
}
new_peers 4
"$sqt" infer --id 0 --peers "$peers" --certs "$work/certs" >"$work/node0.log" 2>&1
check "party 0 without --model-file is told to pass it" \
  bash -c "[ $? -ne 0 ] && grep -q 'party 0 owns the model: pass --model-file FILE' '$work/node0.log'"
"$sqt" infer --id 0 --peers "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3" --certs "$work/certs" --model-file "$work/a.json" >"$work/node0.log" 2>&1
check "--peers without the client's address is refused with the expected count" \
  grep -q 'sqt infer with 3 parties: --peers needs 4 addresses (the computing parties, then the client), got 3' "$work/node0.log"

summary
