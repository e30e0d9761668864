# lib.sh — shared by the multi-process test scripts (source it after setting
# sqt and source_dir): the data root, a scratch directory $work removed at
# exit, check NAME COMMAND..., new_peers COUNT (sets $peers) and summary.
export SQT_DATA_DIR="${SQT_DATA_DIR:-$source_dir/../shared/data}"
[ -f "$SQT_DATA_DIR/mnist/t10k-images-idx3-ubyte.gz" ] || { echo "FAILED: no MNIST under $SQT_DATA_DIR"; exit 1; }
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
failures=0
checks=0
check() {  # check NAME COMMAND...: on failure, print every node's log
  local name=$1
  shift
  checks=$((checks + 1))
  if "$@"; then
    echo "ok: $name"
  else
    echo "FAILED: $name"
    for f in "$work"/node*.log; do [ -f "$f" ] && sed "s|^|  $(basename "$f"): |" "$f"; done
    failures=$((failures + 1))
  fi
}
new_peers() {  # new_peers COUNT: free loopback ports below the ephemeral range
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
summary() {  # the last line and the exit status of a test script
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}
