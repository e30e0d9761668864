#!/usr/bin/env bash
# check-isa.sh BINARY — fails if any function of BINARY other than the AVX2
# and AVX-512 builds of the matrix kernel, the AVX-512 IFMA builds of the
# field kernels and of the widening kernel (namespace sqt::kernels::ifma)
# and the AVX-512 VPCLMULQDQ build of the GF(2^128) kernels
# (sqt::kernels::vpclmul, but not its kernel_table(), which runs before the
# CPU check) uses 256- or 512-bit vector registers. Run on a baseline build
# (scripts/sqt.sh baseline): it proves that no CPU-specific instruction
# leaks out of the run-time dispatched kernels, so the binary runs on any
# x86-64 CPU.
set -euo pipefail
binary=${1:?usage: check-isa.sh BINARY}
[ "$(uname -m)" = x86_64 ] || { echo "check-isa.sh: not x86-64, nothing to check"; exit 0; }
offenders=$(objdump -d --no-show-raw-insn "$binary" | c++filt |
  awk '/^[0-9a-f]+ <.*>:$/ { fn = $0 } /%[yz]mm/ { print fn }' | sort -u |
  grep -v -e 'sqt::kernels::(anonymous namespace)::matmul_rows<[48]>' \
    -e 'sqt::kernels::matmul_rows_avx2(' -e 'sqt::kernels::matmul_rows_avx512(' \
    -e 'sqt::kernels::ifma::' -e 'sqt::kernels::vpclmul::(anonymous namespace)::' || true)
if [ -n "$offenders" ]; then
  echo "check-isa.sh: functions outside the dispatched kernels use AVX registers:" >&2
  echo "$offenders" >&2
  exit 1
fi
echo "check-isa.sh: only the dispatched AVX2/AVX-512 kernels use AVX registers in $binary"
