#!/usr/bin/env bash
# export_report_cli.sh SQT SOURCE_DIR — `sqt export` (ONNX) and `sqt report`
# (training curves) end to end: models trained in the emulator are exported,
# checked by onnx.checker and evaluated node by node with numpy
# (tests/onnx_reference.py), whose predictions on 1,000 test images must equal
# those of `sqt eval`; a wrong flatten order (the negative control) must not.
# Then the metrics of two runs are drawn as SVG and PNG, and bad input fails
# with one line naming the problem.
set -u
sqt=$1
source_dir=$2
python=/usr/bin/python3  # Debian's python3-onnx and python3-numpy live there
export SQT_DATA_DIR="${SQT_DATA_DIR:-$source_dir/../shared/data}"
[ -f "$SQT_DATA_DIR/mnist/t10k-images-idx3-ubyte.gz" ] || { echo "FAILED: no MNIST under $SQT_DATA_DIR"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passed=0
check() {  # check NAME COMMAND...
  local name=$1
  shift
  if "$@" >"$work/out" 2>&1; then echo "ok: $name"; passed=$((passed + 1)); else echo "FAILED: $name"; sed 's/^/  | /' "$work/out"; failures=$((failures + 1)); fi
}
fails_with() {  # fails_with PATTERN ARGS...: one or two lines naming the problem, non-zero exit
  local pattern=$1
  shift
  "$sqt" "$@" >"$work/err" 2>&1 && { echo "(succeeded)"; return 1; }
  cat "$work/err"
  [ "$(wc -l < "$work/err")" -le 2 ] && grep -q "$pattern" "$work/err"
}

# Two short emulator runs: network A (dense) and network C (LeNet: conv, max-pool, dense).
train() {  # train NAME ARGS...
  local name=$1
  shift
  "$sqt" train --protocol plain --test-limit 1000 --save-model "$work/$name.json" \
    --metrics-out "$work/$name.jsonl" "$@" >"$work/$name.log" 2>&1 || { cat "$work/$name.log"; return 1; }
}
check "emulator trains network A (2,048 samples, 2 epochs)" train a --model A --train-limit 2048 --epochs 2
check "emulator trains network C (1,024 samples, 1 epoch)" train c --model C --lr 0.05 --train-limit 1024 --epochs 1

for name in a c; do
  check "sqt export writes $name.onnx" "$sqt" export --model-file "$work/$name.json" -o "$work/$name.onnx"
  check "sqt eval writes the predictions of model $name" \
    "$sqt" eval --model-file "$work/$name.json" --test-limit 1000 --predictions-out "$work/$name.pred"
  check "$name.onnx passes onnx.checker and predicts as sqt eval on 1,000 images (>= 999 agree)" \
    "$python" "$source_dir/tests/onnx_reference.py" "$work/$name.onnx" "$work/$name.pred" --min-match 999
  check "negative control: $name.onnx with height and width swapped before flatten disagrees" \
    bash -c "! '$python' '$source_dir/tests/onnx_reference.py' '$work/$name.onnx' '$work/$name.pred' --min-match 999 --mutate-flatten"
done
check "export of a missing model file fails naming it" fails_with "no-such.json" export --model-file "$work/no-such.json" -o "$work/x.onnx"
sed 's/"type":"relu"/"type":"dropout","percent":50/' "$work/a.json" > "$work/dropout.json"
check "export of a layer without ONNX mapping fails naming layer and type" fails_with "layer 2 has type 'dropout', which has no ONNX mapping" export --model-file "$work/dropout.json" -o "$work/x.onnx"
check "export to an unwritable path fails naming it" fails_with "cannot write ONNX file '/nonexistent/x.onnx'" export --model-file "$work/a.json" -o /nonexistent/x.onnx

# Reports: both runs overlaid, as SVG and PNG.
check "sqt report draws two runs as SVG" "$sqt" report "$work/a.jsonl" "$work/c.jsonl" --label "network A" --label "LeNet" -o "$work/curves.svg"
check "the SVG is a picture with both labels" bash -c "grep -q '<svg' '$work/curves.svg' && grep -q 'network A' '$work/curves.svg' && grep -q 'LeNet' '$work/curves.svg'"
check "sqt report draws a PNG" "$sqt" report "$work/a.jsonl" -o "$work/curves.png"
check "the PNG has the PNG signature" bash -c "head -c 8 '$work/curves.png' | od -An -c | grep -q 'P   N   G'"
printf '{"epoch":1,"train_loss":0.5,"test_accuracy":0.9}\n{"epoch":2,"test_accuracy":"high"}\n' > "$work/bad.jsonl"
check "a malformed metrics line fails naming file, line and field" fails_with "bad.jsonl:2: field 'test_accuracy' must be a number" report "$work/bad.jsonl" -o "$work/x.svg"
printf 'not json\n' > "$work/garbage.jsonl"
check "a line that is not JSON fails naming file and line" fails_with "garbage.jsonl:1: not a JSON object" report "$work/garbage.jsonl" -o "$work/x.svg"
: > "$work/empty.jsonl"
check "an empty metrics file fails saying it has no epochs" fails_with "empty.jsonl: no epochs" report "$work/empty.jsonl" -o "$work/x.svg"
check "an unknown picture format fails naming the output" fails_with "output '.*x.pdf' must end in .svg or .png" report "$work/a.jsonl" -o "$work/x.pdf"
check "a label count that does not match fails" fails_with "2 --label given for 1 metrics files" report "$work/a.jsonl" --label x --label y -o "$work/x.svg"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
