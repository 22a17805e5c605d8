#!/bin/sh
# The main job: install, build, then a dry-run (paper mode, mocked HTTP)
# preflight of checks/ with its report. Exits with preflight's exit code.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
unset ARBITRAGE_ENV
mkdir -p evidence
exec ./build/preflight run checks/ --evidence evidence/live_preflight_dryrun.json
