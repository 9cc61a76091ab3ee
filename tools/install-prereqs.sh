#!/usr/bin/env bash
# Installs what the local services (tools/LocalServices) need: PostgreSQL, PgBouncer, ffmpeg, coturn, Node/npm, Chromium
# (Debian's, for the browser tests) and the repo's pinned npm devDependencies: Azurite, the SignalR JS client and the
# contract linters (npm ci), and the web client's (npm ci in web/). Idempotent and quiet: installs only what is missing
# and says what it did.
# CI machines start fresh, so .ci/run calls this before the tests.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
did=()
as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi

# Runs a command with its output kept out of sight unless it fails.
quietly() {
  if ! "$@" >"$log" 2>&1; then
    echo "install-prereqs: failed: $*" >&2
    cat "$log" >&2
    exit 1
  fi
}

missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v setpriv >/dev/null || missing+=(util-linux) # runs postgres/pgbouncer as the postgres user when we are root
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || missing+=(ffmpeg) # media processing: video posters, durations, waveforms
command -v turnserver >/dev/null || missing+=(coturn) # the dev stack's TURN server for calls (tools/LocalServices/TurnServer.cs)
[ -x /usr/bin/chromium ] || missing+=(chromium) # the browser tests drive /usr/bin/chromium (never a downloaded browser)
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji) # reactions and emoji in the browser tests and screenshots

if [ "${#missing[@]}" -gt 0 ]; then
  # Update the package lists once, and only when something has to be installed.
  quietly "${as_root[@]}" apt-get update -qq
  quietly "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  did+=("apt-get install ${missing[*]}")
  # The package enables a system-wide TURN server on all interfaces; ./dev.sh runs its own on loopback instead.
  if [[ " ${missing[*]} " == *" coturn "* ]] && [ -d /run/systemd/system ]; then
    quietly "${as_root[@]}" systemctl disable --now coturn
  fi
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "install-prereqs: warning: node $(node --version) is older than 20; Azurite 3.37 is known to work on 20+" >&2
fi

# npm ci when Azurite, the SignalR JS client or the contract linters (Redocly CLI, the AsyncAPI parser) are absent or
# package-lock.json changed since the last install
# (npm writes node_modules/.package-lock.json on every install).
if [ ! -d "$repo_root/node_modules/azurite" ] || [ ! -d "$repo_root/node_modules/@microsoft/signalr" ] \
  || [ ! -d "$repo_root/node_modules/@redocly/cli" ] || [ ! -d "$repo_root/node_modules/@asyncapi/parser" ] \
  || [ "$repo_root/package-lock.json" -nt "$repo_root/node_modules/.package-lock.json" ]; then
  (cd "$repo_root" && quietly npm ci --no-audit --no-fund --loglevel=error)
  did+=("npm ci")
fi

# The web client's dependencies (web/package-lock.json), under the same rule.
web="$repo_root/web"
if [ -f "$web/package.json" ] && { [ ! -d "$web/node_modules" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; }; then
  (cd "$web" && quietly npm ci --no-audit --no-fund --loglevel=error)
  did+=("npm ci in web/")
fi

if [ "${#did[@]}" -eq 0 ]; then
  echo "install-prereqs: nothing to do"
else
  printf 'install-prereqs: %s\n' "${did[@]}"
fi
