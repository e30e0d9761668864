#!/usr/bin/env bash
# sqt.sh — one-command set-up for a fresh Debian 12 machine.
#
#   scripts/sqt.sh run    install packages, build, run the main job on its defaults:
#                         `sqt train` (network A on MNIST in 3-party MPC, one epoch)
#   scripts/sqt.sh test   install packages, build, run the whole test suite (ctest)
#   scripts/sqt.sh build  install packages and build only
#   scripts/sqt.sh baseline  build the CLI for the architecture's baseline CPU
#                         with warnings as errors (build-baseline/), check that
#                         only the run-time dispatched kernels use AVX
#                         registers, and run every protocol's operations with
#                         it: what CI does so that no CPU-specific code or
#                         warning slips in
#   scripts/sqt.sh sanitize  build with AddressSanitizer and UBSan
#                         (build-sanitize/) and run the unit tests (typed
#                         protocol tests on Z_2^64 only), the parser fuzz
#                         tests among them
#
# Installs only the Debian packages that are missing (needs root or sudo for
# that), configures CMake with Ninja into build/ and builds build/sqt.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config libssl-dev openssl libcli11-dev
          nlohmann-json3-dev libfmt-dev libgtest-dev zlib1g-dev libcurl4-openssl-dev
          libsodium-dev libonnx-dev libprotobuf-dev gnuplot-nox python3-onnx python3-numpy
          libtomlplusplus-dev libopenblas-dev)

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "sqt.sh: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  install_packages
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$(nproc)"
}

# Data: $SQT_DATA_DIR, else ../shared/data if present, else a per-user
# directory; `run` downloads (checksum-verified) what is missing.
if [ -z "${SQT_DATA_DIR:-}" ]; then
  if [ -d ../shared/data ]; then
    SQT_DATA_DIR=$(cd ../shared/data && pwd)
  else
    SQT_DATA_DIR=${XDG_DATA_HOME:-$HOME/.local/share}/sqt
  fi
fi
export SQT_DATA_DIR

# ensure_dataset ARGS...: fetches the dataset that `sqt train ARGS` reads.
ensure_dataset() {
  local dataset=mnist previous=""
  for a in "$@"; do
    [ "$previous" = "--dataset" ] && dataset=$a
    case "$a" in --dataset=*) dataset=${a#--dataset=} ;; esac
    previous=$a
  done
  local probe="$SQT_DATA_DIR/$dataset/train-labels-idx1-ubyte"
  [ "$dataset" = cifar10 ] && probe="$SQT_DATA_DIR/cifar10/test_batch.bin"
  if [ ! -e "$probe" ] && [ ! -e "$probe.gz" ]; then
    echo "sqt.sh: $dataset is not in $SQT_DATA_DIR; downloading it (checksum-verified)"
    ./build/sqt data fetch "$dataset" --data-dir "$SQT_DATA_DIR"
  fi
}

case "${1:-run}" in
  build) build ;;
  run)
    build
    shift || true
    ensure_dataset "$@"
    ./build/sqt train "$@"
    ;;
  baseline)
    install_packages
    flags=()
    [ "$(uname -m)" = x86_64 ] && flags=(-DCMAKE_CXX_FLAGS=-march=x86-64-v2)
    cmake -S . -B build-baseline -G Ninja -DCMAKE_BUILD_TYPE=Release -DSQT_NATIVE=OFF \
      -DSQT_WERROR=ON "${flags[@]}" >/dev/null
    cmake --build build-baseline -j"$(nproc)" --target sqt
    scripts/check-isa.sh build-baseline/sqt
    # A smoke run of the portable binary: every protocol's operations and the
    # fixed-point library in process (the unit tests run in the main build).
    for protocol in $(./build-baseline/sqt protocols | awk 'NR > 1 { print $1 }'); do
      extra=()
      [ "$protocol" = semi2k ] && extra=(--dealer)
      ./build-baseline/sqt bench ops --protocol "$protocol" --n 4096 --function-n 200 --reps 1 \
        "${extra[@]}" --json >/dev/null
    done
    # semi2k's OT preprocessing (grows with the multiply-adds: a small product).
    ./build-baseline/sqt bench ops --protocol semi2k --n 1024 --function-n 64 --reps 1 \
      --matmul 16,64,32 --json >/dev/null
    echo "sqt.sh: the baseline binary runs every protocol's operations"
    ;;
  sanitize)
    install_packages
    cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Release -DSQT_SANITIZE=ON \
      -DSQT_TEST_ONE_RING=ON >/dev/null
    cmake --build build-sanitize -j"$(nproc)" --target sqt_tests
    # mal3's 1,000 cheating trials and view statistics run in the main build
    # only (its operations run here in the typed suites).
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ./build-sanitize/tests/sqt_tests --gtest_brief=1 \
      --gtest_filter='-Cheating/mal364.EveryDeviationAbortsUnanimouslyOrChangesNothing:Mal3Views.*'
    ;;
  test)
    build
    cd build
    ctest --output-on-failure -j1 --timeout 900
    ;;
  *)
    echo "usage: scripts/sqt.sh run|test|build|baseline|sanitize" >&2
    exit 2
    ;;
esac
