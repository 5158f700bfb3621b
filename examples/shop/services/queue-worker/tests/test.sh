#!/bin/sh
# The test action of queue-worker: builds and runs the unit tests (build/test_worker, a declared output of this
# action), then runs the built dist/queue-worker on tests/jobs.txt and compares with the expected output.
set -eu
cd "$(dirname "$0")/.."
contracts=../../libs/contracts/dist
mkdir -p build

# shellcheck disable=SC2086 # CFLAGS holds several flags
"${CC:-cc}" -std=c11 -O0 -g -Wall -Wextra -Wpedantic -Werror ${CFLAGS:-} \
    -I "$contracts/include" -o build/test_worker tests/test_worker.c src/worker.c
./build/test_worker

status=0
./dist/queue-worker < tests/jobs.txt > build/actual.out 2> build/actual.err || status=$?
if [ "$status" -ne 1 ]; then
    echo "test.sh: queue-worker exited with $status on tests/jobs.txt; expected 1 (two lines are rejected)" >&2
    exit 1
fi
diff -u tests/expected.out build/actual.out
diff -u tests/expected.err build/actual.err
[ "$(./dist/queue-worker --version)" = "queue-worker $(cat VERSION)" ]
echo "test.sh: queue-worker end-to-end: outputs match tests/expected.*"
