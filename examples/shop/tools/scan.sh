#!/bin/sh
# The scan action of every target (run in the target's directory, like every action):
#   sh ../../tools/scan.sh [PATH...]
# Runs ShellCheck on each shell script of the target, then fleetscan (tools/fleetscan.py) on the target's files
# plus any extra PATHs and on the built artefacts in dist/. Fails on the first tool that finds something.
set -eu
tools=$(dirname "$0")
if [ "$#" -eq 0 ]; then set -- .; fi

scripts=$(python3 -B "$tools/fleetscan.py" --list-shell .)
if [ -n "$scripts" ]; then
    IFS='
'
    # shellcheck disable=SC2086 # split on newlines only: one script per line
    shellcheck --external-sources $scripts
    unset IFS
fi
exec python3 -B "$tools/fleetscan.py" --dist dist "$@"
