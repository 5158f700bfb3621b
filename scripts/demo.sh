#!/bin/sh
# The demo behind `make demo`: fleet on the example fleet in examples/shop (described by ./fleet.yaml).
set -eu
fleet=${1:?usage: scripts/demo.sh PATH-TO-FLEET}
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step fleet validate
"$fleet" validate
step fleet graph
"$fleet" graph
