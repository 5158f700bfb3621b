#!/bin/sh
# The test action of config-service: runs the built dist/bin/config-service (with the built config) and checks
# every command, including that `check` reports each fault of the broken fixtures in tests/fixtures.
set -eu
cd "$(dirname "$0")/.."
service=dist/bin/config-service
passed=0

fail() {
    echo "test.sh: FAIL: $*" >&2
    exit 1
}

expect() { # DESCRIPTION EXPECTED ACTUAL
    [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
    passed=$((passed + 1))
}

expect "--version" "config-service $(cat VERSION)" "$("$service" --version)"
expect "envs" "dev prod staging" "$("$service" envs | tr '\n' ' ' | sed 's/ $//')"
expect "get" "debug" "$("$service" get dev LOG_LEVEL)"
expect "get a URL value" "https://api.payments.example.com/v2" "$("$service" get prod PAYMENTS_PROVIDER_URL)"
expect "dump is sorted and comment-free" "$(grep -v '^#' config/prod.env | LC_ALL=C sort)" "$("$service" dump prod)"

for bad in "get qa LOG_LEVEL" "get dev MISSING_KEY" "get dev lower" "get ../dev LOG_LEVEL" "dump" "frobnicate"; do
    # shellcheck disable=SC2086 # the words of $bad are separate arguments
    if "$service" $bad 2>/dev/null; then
        fail "'config-service $bad' succeeded"
    fi
    passed=$((passed + 1))
done

status=0
problems=$("$service" check tests/fixtures/qa.env tests/fixtures/uat.env 2>&1) || status=$?
expect "check fails on broken files" 1 "$status"
expect "check reports every fault" "$(cat tests/expected-check.txt)" "$problems"
"$service" check config/*.env || fail "check rejects the real config"

echo "test.sh: config-service: $passed checks passed"
