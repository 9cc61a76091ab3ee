#!/usr/bin/env bash
# DistaHilar's one entry point for local work.
#   ./dev.sh [up] [--port 7071] [--web-port 5173]
#                                install what is missing, build (the web client too, when web/package.json exists),
#                                start PostgreSQL + PgBouncer + Azurite on free loopback ports, migrate, run the app
#                                under the DevHost and serve web/dist on 127.0.0.1:5173; Ctrl-C stops it all
#   ./dev.sh test                install what is missing, build (web client too), run the whole test suite (what CI runs)
#   ./dev.sh stop                end the processes a previous `up` started (e.g. after it was killed hard)
#   ./dev.sh bench [args]        build in Release and run the load generator (tools/Bench; --help for options)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

build() { dotnet build "$@" -nologo -v quiet -clp:ErrorsOnly; }

# The web client into web/dist, when web/ has one: `npm ci` when its lockfile is newer than the last install (npm
# writes node_modules/.package-lock.json on each), then `npm run build`. Output only when a step fails.
build_web() {
  [ -f web/package.json ] || return 0
  local out
  out="$(mktemp)"
  if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
    if ! (cd web && npm ci --no-audit --no-fund --loglevel=error) >"$out" 2>&1; then
      cat "$out" >&2; rm -f "$out"; echo "dev.sh: npm ci in web/ failed" >&2; exit 1
    fi
  fi
  if ! (cd web && npm run build) >"$out" 2>&1; then
    cat "$out" >&2; rm -f "$out"; echo "dev.sh: the web client did not build (npm run build in web/)" >&2; exit 1
  fi
  rm -f "$out"
}

command="${1:-up}"
[ $# -gt 0 ] && shift
case "$command" in
  up)
    bash tools/install-prereqs.sh
    build_web
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
    build_web # the browser tests serve web/dist
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
    sed -n '2,9p' "$0" >&2
    exit 2
    ;;
esac
