#!/usr/bin/env bash
# Installs, builds, and runs the main verification of the shipped specs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh >/dev/null
bash scripts/check-shipped-specs.sh
