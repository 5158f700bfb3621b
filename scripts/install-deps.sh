#!/bin/sh
# Installs what fleet needs on Debian/Ubuntu, only when it is missing (idempotent; sudo only when not root).
#
#   scripts/install-deps.sh          the C libraries and the tools the example fleet and the tests use
#   scripts/install-deps.sh bench    also the reference tools the benchmarks compare against
set -eu

missing=""
need_pkg() { missing="$missing $1"; }

# The four C libraries, found through pkg-config (which SwiftPM's system-library targets use too).
if ! command -v pkg-config >/dev/null 2>&1; then need_pkg pkg-config; fi
for pair in libgit2:libgit2-dev yaml-0.1:libyaml-dev libxxhash:libxxhash-dev libzstd:libzstd-dev; do
    module=${pair%%:*} package=${pair#*:}
    if ! pkg-config --exists "$module" 2>/dev/null; then need_pkg "$package"; fi
done

# Tools: the git CLI (the tests' independent oracle), a C compiler, python3 and shellcheck (the example fleet).
for pair in git:git cc:gcc python3:python3 shellcheck:shellcheck; do
    command=${pair%%:*} package=${pair#*:}
    if ! command -v "$command" >/dev/null 2>&1; then need_pkg "$package"; fi
done

if [ "${1:-}" = bench ]; then
    for pair in hyperfine:hyperfine xxhsum:xxhash ninja:ninja-build zstd:zstd /usr/bin/time:time; do
        command=${pair%%:*} package=${pair#*:}
        if ! command -v "$command" >/dev/null 2>&1; then need_pkg "$package"; fi
    done
fi

if [ -z "$missing" ]; then exit 0; fi

echo "fleet: installing missing packages:$missing" >&2
if ! command -v apt-get >/dev/null 2>&1; then
    echo "fleet: apt-get not found; install these packages by hand:$missing" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # word splitting of the package list is intended
$SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
