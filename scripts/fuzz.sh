#!/usr/bin/env bash
# `npm run fuzz -- --minutes N [--seed S]`: the fuzz suite (test/fuzz) against a real daemon
# process for N minutes (default 10). A failure prints the seed and the request; --seed replays.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=10 seed=
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    *) echo "usage: npm run fuzz -- [--minutes N] [--seed S]" >&2; exit 2 ;;
  esac
done
export FUZZ_MINUTES=$minutes
[ -n "$seed" ] && export FUZZ_SEED=$seed
exec npx ava test/fuzz/daemon.test.ts --timeout "$((minutes * 60 + 180))s" --verbose
