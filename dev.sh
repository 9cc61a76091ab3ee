#!/usr/bin/env bash
# DistaHilar's one entry point for local work.
#   ./dev.sh [up] [--port 7071]  install what is missing, build, start PostgreSQL + PgBouncer + Azurite on free
#                                loopback ports, migrate, run the app under the DevHost; Ctrl-C stops it all
#   ./dev.sh test                install what is missing, build, run the whole test suite (what CI runs)
#   ./dev.sh stop                end the processes a previous `up` started (e.g. after it was killed hard)
#   ./dev.sh bench [args]        build in Release and run the load generator (tools/Bench; --help for options)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

build() { dotnet build "$@" -nologo -v quiet -clp:ErrorsOnly; }

command="${1:-up}"
[ $# -gt 0 ] && shift
case "$command" in
  up)
    bash tools/install-prereqs.sh
    build src/Functions
    build tools/Dev
    exec dotnet tools/Dev/bin/Debug/net10.0/DistaHilar.Dev.dll up "$@"
    ;;
  stop)
    [ -f tools/Dev/bin/Debug/net10.0/DistaHilar.Dev.dll ] || build tools/Dev
    exec dotnet tools/Dev/bin/Debug/net10.0/DistaHilar.Dev.dll stop
    ;;
  test)
    bash tools/install-prereqs.sh
    build DistaHilar.sln
    log="$(mktemp)"
    trap 'rm -f "$log"' EXIT
    status=0
    dotnet test --project tests/DistaHilar.Tests --no-build --minimum-expected-tests 1 "$@" 2>&1 | tee "$log" || status=$?
    # Microsoft.Testing.Platform prints its own summary; this is the plain closing line CI reads.
    passed="$(grep -oE '^\s*succeeded: [0-9]+' "$log" | grep -oE '[0-9]+' | tail -n1 || true)"
    failed="$(grep -oE '^\s*failed: [0-9]+' "$log" | grep -oE '[0-9]+' | tail -n1 || true)"
    skipped="$(grep -oE '^\s*skipped: [0-9]+' "$log" | grep -oE '[0-9]+' | tail -n1 || true)"
    if [ "${failed:-0}" != "0" ]; then
      # CI shows only the end of the output: repeat each failure (name, message, top of the stack) here.
      echo "---- failed tests ----"
      awk '/^[[:space:]]*failed [^:]/ { n = 16 } n > 0 { print; n-- }' "$log" | cut -c1-400
    fi
    echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
    exit "$status"
    ;;
  bench)
    bash tools/install-prereqs.sh
    build src/Functions -c Release
    build tools/Bench -c Release
    exec dotnet tools/Bench/bin/Release/net10.0/DistaHilar.Bench.dll "$@"
    ;;
  *)
    sed -n '2,7p' "$0" >&2
    exit 2
    ;;
esac
