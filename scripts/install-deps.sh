#!/usr/bin/env bash
# Installs what stateproof needs on Debian 12: Debian's packages, then the
# Pyodide releases the Pyodide driver host loads (npm, pinned by
# drivers/pyodide/package-lock.json, into the git-ignored
# drivers/pyodide/node_modules). Idempotent: installs only what is missing
# or out of date. apt-get needs root (or sudo).
set -euo pipefail

packages=(
  cmake make g++ pkg-config        # build
  libz3-dev                        # the Z3 engine
  catch2                           # tests (Catch2 v2)
  libcli11-dev nlohmann-json3-dev  # CLI and JSON
  python3                          # the Python driver and its tests
  libbenchmark-dev                 # bench/model_bench (Google Benchmark)
  nodejs npm                       # the Pyodide driver host (drivers/pyodide)
  clang libclang-rt-14-dev         # the fuzz targets (fuzz/): clang's libFuzzer and sanitizer runtimes
)
# A node from elsewhere (e.g. NodeSource's nodejs, which ships its own npm and
# conflicts with Debian's npm package) is used as it is.
have_node=false
command -v node >/dev/null && command -v npm >/dev/null && have_node=true

missing=()
for p in "${packages[@]}"; do
  { [ "$p" = nodejs ] || [ "$p" = npm ]; } && $have_node && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Pyodide: `npm ci` when node_modules is missing or was installed from
# another lock (the copy of the lock kept next to it tells which).
pyodide="$(cd "$(dirname "$0")/.." && pwd)/drivers/pyodide"
stamp="$pyodide/node_modules/.stateproof-installed-lock.json"
if ! cmp -s "$pyodide/package-lock.json" "$stamp"; then
  echo "installing: Pyodide releases of $pyodide/package.json (npm ci)" >&2
  npm ci --prefix "$pyodide" --no-audit --no-fund >/dev/null
  cp "$pyodide/package-lock.json" "$stamp"
fi
