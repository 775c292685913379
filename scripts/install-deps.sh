#!/usr/bin/env bash
# Installs what stateproof needs on Debian 12, from Debian's packages only.
# Idempotent: installs only what is missing. Needs root (or sudo).
set -euo pipefail

packages=(
  cmake make g++ pkg-config        # build
  libz3-dev                        # the Z3 engine
  catch2                           # tests (Catch2 v2)
  libcli11-dev nlohmann-json3-dev  # CLI and JSON
  python3                          # the Python driver and its tests
  libbenchmark-dev                 # bench/model_bench (Google Benchmark)
  clang libclang-rt-14-dev         # the fuzz targets (fuzz/): clang's libFuzzer and sanitizer runtimes
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
