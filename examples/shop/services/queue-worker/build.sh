#!/bin/sh
# The build action of queue-worker (fleet.yaml overrides build.run with it): compiles the C11 worker into
# dist/queue-worker against the event table that the contracts build generates, then writes dist/manifest.json.
# CC and CFLAGS are inputs of this target (env in fleet.yaml), so changing the compiler rebuilds it.
set -eu
cd "$(dirname "$0")"
contracts=../../libs/contracts/dist
if [ ! -f "$contracts/include/shop_contracts.h" ]; then
    echo "build.sh: $contracts/include/shop_contracts.h not found: build contracts first (build needs ^build)" >&2
    exit 1
fi
version=$(cat VERSION)

rm -rf dist
mkdir -p dist
# shellcheck disable=SC2086 # CFLAGS holds several flags
"${CC:-cc}" -std=c11 -O2 -Wall -Wextra -Wpedantic -Werror ${CFLAGS:-} \
    -I "$contracts/include" -DQW_VERSION="\"$version\"" \
    -o dist/queue-worker src/main.c src/worker.c
python3 -B ../../tools/manifest.py dist --name queue-worker --version "$version" --kind c-binary \
    --artefact queue-worker --dep contracts
echo "build.sh: queue-worker $version -> dist/queue-worker"
