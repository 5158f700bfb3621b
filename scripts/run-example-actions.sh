#!/bin/sh
# Runs the actions of the example fleet (examples/shop) by hand, in dependency order, and stops at the first
# failure: the shared tools' own checks, then every target's build, every test, every scan, and api-gateway's
# smoke. Until fleet's execution engine lands, this is how the example is exercised.
#
#   scripts/run-example-actions.sh [-v] [PHASE...]    PHASE: tools build test scan smoke (default: all, in order)
#
# -v shows every action's output; otherwise only a failing action's output is shown.
# It reads nothing from fleet.yaml on purpose: the order and the commands below mirror it, keep them in step.
set -eu

verbose=false
if [ "${1:-}" = -v ]; then
    verbose=true
    shift
fi
if [ "$#" -eq 0 ]; then set -- tools build test scan smoke; fi

cd "$(dirname "$0")/../examples/shop"

# Dependency order: common and contracts have no deps, telemetry needs common, every service needs some libs.
targets="libs/common libs/contracts libs/telemetry
    services/api-gateway services/auth-service services/user-service services/order-service
    services/payment-service services/notification-service services/queue-worker services/config-service"

# The run command of ACTION in TARGET, as fleet.yaml resolves it (defaults, then the target's overrides).
command_for() {
    case "$1 $2" in
        "build libs/contracts") echo "python3 build_contracts.py" ;;
        "build services/queue-worker" | "build services/config-service") echo "./build.sh" ;;
        "test services/queue-worker" | "test services/config-service") echo "./tests/test.sh" ;;
        "scan services/api-gateway") echo "sh ../../tools/scan.sh . ../../config/gateway" ;;
        "smoke services/api-gateway") echo "python3 tests/smoke.py" ;;
        "build "*) echo "python3 ../../tools/pybuild.py" ;;
        "test "*) echo "python3 ../../tools/runtests.py" ;;
        "scan "*) echo "sh ../../tools/scan.sh" ;;
        *) return 1 ;;
    esac
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM
count=0

# run LABEL DIRECTORY COMMAND: runs COMMAND with /bin/sh -c in DIRECTORY, as fleet runs an action.
run() {
    status=0
    if $verbose; then
        printf '==> %s: %s\n' "$1" "$3"
        (cd "$2" && /bin/sh -c "$3") || status=$?
    else
        (cd "$2" && /bin/sh -c "$3") >"$log" 2>&1 || status=$?
    fi
    if [ "$status" -ne 0 ]; then
        if ! $verbose; then cat "$log" >&2; fi
        printf 'FAILED  %s (exit %s): cd examples/shop/%s && %s\n' "$1" "$status" "$2" "$3" >&2
        exit 1
    fi
    if ! $verbose; then printf 'ok      %s\n' "$1"; fi
    count=$((count + 1))
}

for phase in "$@"; do
    case $phase in
        tools)
            run "tools: shellcheck" . "shellcheck tools/*.sh ../../scripts/run-example-actions.sh"
            run "tools: unit tests" . "python3 -B -m unittest discover -s tools/tests -t tools/tests"
            run "tools: fleetscan" . "python3 -B tools/fleetscan.py tools"
            ;;
        build | test | scan)
            for target in $targets; do
                run "$target $phase" "$target" "$(command_for "$phase" "$target")"
            done
            ;;
        smoke)
            run "services/api-gateway smoke" services/api-gateway "$(command_for smoke services/api-gateway)"
            ;;
        *)
            echo "run-example-actions: unknown phase '$phase' (tools, build, test, scan, smoke)" >&2
            exit 64
            ;;
    esac
done
echo "run-example-actions: $count actions passed"
