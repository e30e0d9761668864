#!/usr/bin/env bash
# infer_cli.sh SQT SOURCE_DIR — `sqt infer` across separate processes over
# TLS: party 0 inputs a saved model, the client (the last node) its test
# images; the client alone gets the predicted classes, which must equal
# those of `sqt eval` on the same model. rep3, mal3 and semi2k (2 parties);
# rep3 serving a model trained in MPC from the parties' checkpoints, never
# opened; the client asking for scores; `sqt bench step --inference` in one
# process and over three; then the errors of a mismatched client and of
# missing options.
set -u
sqt=$1
source_dir=$2
source "$source_dir/tests/lib.sh"
bash "$source_dir/scripts/make-certs.sh" "$work/certs" 4 >/dev/null || exit 1

# run_infer N CLIENT_ARGS -- PARTY_ARGS: N computing parties and the client;
# party 0 also gets the arguments in $owner_args.
owner_args=(--model-file "$work/a.json")
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
  "$sqt" infer --id 0 --peers "$peers" --certs "$work/certs" "${owner_args[@]}" \
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

# A model trained in MPC (in-process rep3) served from the parties'
# checkpoints; its opened copy (--save-model) is the reference.
"$sqt" train --protocol rep3 --model A --train-limit 1024 --test-limit 100 --epochs 1 --seed 3 \
  --checkpoint-dir "$work/ckpt" --save-model "$work/r.json" >"$work/train_r.log" 2>&1 ||
  { cat "$work/train_r.log"; exit 1; }
"$sqt" eval --model-file "$work/r.json" --test-limit 100 --predictions-out "$work/eval_r.pred" >/dev/null
owner_args=()
run_infer 3 --test-limit 100 --predictions-out "$work/pred" -- --protocol rep3 --checkpoint-dir "$work/ckpt"
check "rep3 from checkpoints: the client's 100 classes match sqt eval of the opened model (>= 99)" \
  bash -c "[ $client_code -eq 0 ] && [ \$(paste '$work/pred' '$work/eval_r.pred' | awk '\$1 == \$2' | wc -l) -ge 99 ]"
check "every party names the checkpoint epoch it served" \
  bash -c "for i in 0 1 2; do grep -q \"party \$i: model A from its checkpoint of epoch 1\" '$work/node'\$i.log || exit 1; done"
run_infer 3 --test-limit 100 -- --protocol rep3 --checkpoint-dir "$work/ckpt" --checkpoint-epoch 2
check "a checkpoint epoch that the parties do not have is refused" \
  bash -c "[ $client_code -ne 0 ] && grep -q 'no checkpoint of epoch 2 of party 0' '$work/node0.log'"
run_infer 3 --test-limit 100 -- --protocol rep3 --checkpoint-dir "$work/ckpt" --model C
check "serving a checkpoint as the wrong architecture names the shapes" \
  bash -c "[ $client_code -ne 0 ] && grep -q 'the model expects' '$work/node0.log'"
owner_args=(--model-file "$work/a.json")

# Scores: ten per line, whose argmax is sqt eval's class.
run_infer 3 --test-limit 100 --predictions-out "$work/pred" -- --protocol rep3 --output scores
argmax_agrees() {
  awk '{ m = 1; for (k = 2; k <= NF; ++k) if ($k > $m) m = k; print (NF == 10 ? m - 1 : "bad") }' \
    "$work/pred" >"$work/pred.argmax" &&
    [ "$(paste "$work/pred.argmax" "$work/eval.pred" | awk '$1 == $2' | wc -l)" -ge 99 ]
}
check "rep3 --output scores: ten scores per sample, their argmax matches sqt eval (>= 99)" \
  bash -c "[ $client_code -eq 0 ] && $(declare -f argmax_agrees); work='$work' argmax_agrees"

# Inference latency and bytes: the same rounds and bytes in one process as
# over three processes with TLS.
"$sqt" bench step --inference --model A --batch-size 1 --json >"$work/bench1" 2>&1
"$sqt" bench step --inference --model A --batch-size 1 --processes 3 --json >"$work/bench3" 2>&1
total_of() { grep '"part":"inference (input to opened classes)"' "$1" | sed 's/"seconds":[^,]*,//; s/"cpu_seconds":[^,}]*//'; }
check "sqt bench step --inference: single-sample rounds and bytes equal in one process and over three" \
  bash -c "$(declare -f total_of); t=\$(total_of '$work/bench1'); [ -n \"\$t\" ] && [ \"\$t\" = \"\$(total_of '$work/bench3')\" ]"

said() { grep -q "$1" "$work"/node*.log; }
[ -f "$SQT_DATA_DIR/cifar10/test_batch.bin.gz" ] && {
  run_infer 3 --dataset cifar10 --test-limit 10 -- --protocol rep3
  check "a client whose samples do not fit the model is refused, naming both shapes" \
    bash -c "[ $client_code -ne 0 ] && grep -q \"the client's samples have 3072 values but model 'A' takes 784\" '$work'/node*.log"
}
new_peers 4
"$sqt" infer --id 0 --peers "$peers" --certs "$work/certs" >"$work/node0.log" 2>&1
check "party 0 without --model-file is told to pass it" \
  bash -c "[ $? -ne 0 ] && grep -q 'party 0 owns the model: pass --model-file FILE (or --checkpoint-dir DIR' '$work/node0.log'"
"$sqt" infer --id 0 --peers "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3" --certs "$work/certs" --model-file "$work/a.json" >"$work/node0.log" 2>&1
check "--peers without the client's address is refused with the expected count" \
  grep -q 'sqt infer with 3 parties: --peers needs 4 addresses (the computing parties, then the client), got 3' "$work/node0.log"

summary
