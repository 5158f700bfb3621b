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

# fleet run over a fresh cache, so the first run really runs everything (the checkout's own cache/ is left alone).
cache=$(mktemp -d "${TMPDIR:-/tmp}/fleet-demo-cache.XXXXXX")
changed=examples/shop/libs/telemetry/src/telemetry/log.py
saved="$cache.saved"
cleanup() {
    # Put the edited file back byte for byte (also when a step failed), then drop the demo cache.
    if [ -f "$saved" ]; then cp -p "$saved" "$changed" && rm -f "$saved"; fi
    rm -rf "$cache"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export FLEET_CACHE_DIR="$cache"

step fleet run build test -j 2
"$fleet" run build test -j 2
# The same again: every action is answered from the cache, no process starts.
step fleet run build test
"$fleet" run build test

# A change to one lib: only it and what depends on it run again; fleet explain says why.
cp -p "$changed" "$saved"
printf '\n# demo: a change to telemetry\n' >>"$changed"
step "echo '# demo: a change to telemetry' >> $changed"
step fleet explain telemetry:build
"$fleet" explain telemetry:build
step fleet run build test --affected --base HEAD
"$fleet" run build test --affected --base HEAD

# Undo the change: the checkout is clean again, so the next run's record names a commit the images can be tagged with.
cp -p "$saved" "$changed" && rm -f "$saved"
step fleet run build
"$fleet" run build

# The CI step after a build: the new image tags of the services the last run built, as a diff (--dry-run writes
# nothing). --from-run takes the commit and the build keys from the run record; a checkout with uncommitted
# changes has no commit to name, so the demo then falls back to an explicit tag.
short=$(git rev-parse --short=7 HEAD 2>/dev/null || echo 0000000)
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
step fleet gitops status
"$fleet" gitops status
step fleet bump --env dev --from-run --dry-run
"$fleet" bump --env dev --from-run --dry-run api-gateway queue-worker \
    || "$fleet" bump --env dev --tag "sha-$short" api-gateway queue-worker --dry-run
