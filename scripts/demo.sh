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

# The GitOps bump CI makes after building: the new tags of api-gateway (Helm values) and queue-worker (a kustomize
# overlay) in dev, as a diff (--dry-run writes nothing). Only the image scalars and the versions registry change.
# (Once `fleet run` records its runs, this becomes `fleet bump --env dev --from-run --dry-run`.)
short=$(git rev-parse --short=7 HEAD 2>/dev/null || echo 0000000)
step fleet gitops status
"$fleet" gitops status
step fleet bump --env dev --tag "sha-$short" api-gateway queue-worker --dry-run
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)} \
    "$fleet" bump --env dev --tag "sha-$short" api-gateway queue-worker --dry-run
