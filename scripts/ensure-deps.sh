#!/usr/bin/env bash
# Installs node_modules with `npm ci` when missing or older than package-lock.json, so that
# `npm start` and `npm test` work on a fresh clone as the first command.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
