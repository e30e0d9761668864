#!/usr/bin/env bash
# holders_cli.sh SQT SOURCE_DIR — data holders (`sqt holder`) as their own
# processes over TLS: two holders share half of a 2,048-sample MNIST subset
# each (holder 0 also 1,000 test samples) with three `sqt party` processes
# that have no dataset; they train network A for 2 epochs to >= 75% and
# holder 0 receives the model, which `sqt eval` must score the same. Then
# the input checks in MPC (rep3 with --check-holder-inputs on, mal3 by
# default): honest input passes, a holder's out-of-range pixel or two-class
# label stops the run naming the holder; and the errors of a mismatched
# start.
set -u
sqt=$1
source_dir=$2
source "$source_dir/tests/lib.sh"
bash "$source_dir/scripts/make-certs.sh" "$work/certs" 5 >/dev/null || exit 1

# run_holders PARTY_ARGS -- HOLDER0_ARGS -- HOLDER1_ARGS: three parties
# (without a data root) and two holders; sets party_code, holder_codes.
run_holders() {
  local party_args=() h0=() h1=() i pids=()
  while [ "$1" != "--" ]; do party_args+=("$1"); shift; done
  shift
  while [ "$1" != "--" ]; do h0+=("$1"); shift; done
  shift
  h1=("$@")
  new_peers 5
  rm -f "$work"/node*.log
  for i in 0 1 2; do
    SQT_DATA_DIR=/nonexistent "$sqt" party --id "$i" --peers "$peers" --certs "$work/certs" \
      --holders 2 "${party_args[@]}" >"$work/node$i.log" 2>&1 &
    pids+=($!)
  done
  "$sqt" holder --id 3 --peers "$peers" --certs "$work/certs" --holders 2 "${h0[@]}" \
    >"$work/node3.log" 2>&1 &
  local holder0=$!
  "$sqt" holder --id 4 --peers "$peers" --certs "$work/certs" --holders 2 "${h1[@]}" \
    >"$work/node4.log" 2>&1
  holder_codes="$? "
  wait "$holder0"
  holder_codes+="$?"
  party_code=0
  for i in "${pids[@]}"; do wait "$i" || party_code=1; done
}
accuracy_at_least() {  # accuracy_at_least MIN: party 0's final accuracy
  awk -v min="$1" '/^final test accuracy/ { ok = ($4 >= min) } END { exit !ok }' "$work/node0.log"
}

run_holders --model A --epochs 2 --lr 0.1 --momentum 0.9 --reveal-to holder0 \
  -- --train-samples 0:1024 --test-samples 0:1000 --save-model "$work/model.json" \
  -- --train-samples 1024:1024
check "rep3: two holders, three parties without data; the run succeeds" \
  [ "$party_code" -eq 0 -a "$holder_codes" = "0 0" ]
check "the parties train on the union (2,048 training, 1,000 test samples)" \
  grep -q "2 holders shared 2048 training and 1000 test samples" "$work/node0.log"
check "network A reaches >= 75% after 2 epochs" accuracy_at_least 0.75
check "each holder's data were accepted" \
  bash -c "grep -q '1024 training and 1000 test samples accepted by the 3 parties' '$work/node3.log' && grep -q '1024 training and 0 test samples accepted' '$work/node4.log'"
expected=$(sed -n 's/^final test accuracy: \([0-9.]*\) .*/\1/p' "$work/node0.log")
"$sqt" eval --model-file "$work/model.json" --test-limit 1000 >"$work/eval.log" 2>&1
check "holder 0 received the model: sqt eval scores it as the parties did ($expected)" \
  grep -q "test accuracy (plaintext evaluation of .*): $expected " "$work/eval.log"
check "holder 1 did not receive it, and the parties opened only masked parameters" \
  bash -c "! grep -q 'model received' '$work/node4.log' && grep -q \"model parameters plus holder 0's mask (uniform)\" '$work/node0.log'"

small=(--model A --epochs 1 --batch-size 32 --no-loss)
run_holders "${small[@]}" --check-holder-inputs on -- --train-samples 0:32 -- --train-samples 32:32
check "rep3 --check-holder-inputs on: honest holders pass the check in MPC" \
  bash -c "[ $party_code -eq 0 ] && grep -q '(range-checked in MPC)' '$work/node0.log'"
run_holders "${small[@]}" --check-holder-inputs on -- --train-samples 0:32 \
  -- --train-samples 32:32 --insecure-test-malformed label
check "rep3: a holder's two-class label stops the run, naming holder 1" \
  bash -c "[ $party_code -ne 0 ] && grep -q 'holder 1 sent 1 out-of-range values' '$work/node0.log' && grep -q 'holder 1 sent 1 out-of-range' '$work/node4.log'"
run_holders --protocol mal3 "${small[@]}" -- --protocol mal3 --train-samples 0:32 \
  -- --protocol mal3 --train-samples 32:32 --insecure-test-malformed pixel
check "mal3 checks holders by default: a pixel of 2.0 stops the run, naming holder 1" \
  bash -c "[ $party_code -ne 0 ] && grep -q 'holder 1 sent 1 out-of-range values (pixels outside' '$work/node1.log'"

# One cluster.toml for all five nodes: addresses, TLS, holders' slices.
new_peers 5
IFS=, read -r a0 a1 a2 a3 a4 <<<"$peers"
cat >"$work/cluster.toml" <<TOML
certs = "$work/certs"
[[party]]
address = "$a0"
[[party]]
address = "$a1"
[[party]]
address = "$a2"
[[holder]]
address = "$a3"
train_samples = "0:64"
test_samples = "0:100"
save_model = "$work/from-config.json"
[[holder]]
address = "$a4"
train_samples = "64:64"
[train]
model = "A"
epochs = 1
batch_size = 32
reveal_to = "holder0"
dataset = "mnist"
TOML
rm -f "$work"/node*.log
pids=()
for i in 0 1 2; do
  SQT_DATA_DIR=/nonexistent "$sqt" party --config "$work/cluster.toml" --id "$i" >"$work/node$i.log" 2>&1 &
  pids+=($!)
done
"$sqt" holder --config "$work/cluster.toml" --id 3 >"$work/node3.log" 2>&1 &
pids+=($!)
"$sqt" holder --config "$work/cluster.toml" --id 4 >"$work/node4.log" 2>&1
config_code=$?
for i in "${pids[@]}"; do wait "$i" || config_code=1; done
check "one cluster.toml: three parties and two holders ([[holder]] slices, [train] reveal_to holder0)" \
  bash -c "[ $config_code -eq 0 ] && grep -q '2 holders shared 128 training and 100 test samples' '$work/node0.log' && [ -s '$work/from-config.json' ]"

run_holders "${small[@]}" -- --train-samples 0:32 --save-model "$work/x.json" -- --train-samples 32:32
check "a holder that asks for the model without the parties' --reveal-to is refused" \
  grep -q "holder 0 asks for the model but the parties were started with --reveal-to 0" "$work/node0.log"
run_holders "${small[@]}" -- --train-samples 0:32 --ring 128 --frac-bits 16 -- --train-samples 32:32
check "a holder with another ring is refused at start-up, naming the option" \
  grep -q "configuration mismatch with .*: ring is 64 here but different there" "$work/node0.log"
"$sqt" holder --id 3 --peers "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3,127.0.0.1:4,127.0.0.1:5" \
  --holders 2 --train-samples 59000:2000 --certs "$work/certs" >"$work/node3.log" 2>&1
check "--train-samples beyond the dataset names the range and the dataset's size" \
  grep -q -- "--train-samples 59000:2000: samples 59000 to 61000 requested but the dataset has 60000" "$work/node3.log"
"$sqt" party --id 0 --peers "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3" --holders 2 \
  --certs "$work/certs" >"$work/node0.log" 2>&1
check "--peers without the holders' addresses is refused with the expected count" \
  grep -q "3 parties and 2 holders: --peers needs 5 addresses (the computing parties, then the holders), got 3" "$work/node0.log"

summary
