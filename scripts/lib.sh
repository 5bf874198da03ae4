# Shared by scripts/start, scripts/test and .ci/run: install what Reprise needs on Debian 12, idempotently.
set -euo pipefail

REPRISE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages Reprise uses at run time and in tests.
#   ffmpeg       decoding, composition, HLS (issues 3-5) and the sync checks
#   janus-tools  janus-pp-rec, the reference post-processor the tests compare against
#   time         GNU time (/usr/bin/time): peak RSS of the tools in bench/inspect.ts
#   fonts-dejavu-core  the font composition draws names with
REPRISE_APT_PACKAGES=(ffmpeg janus-tools time fonts-dejavu-core)
# Only the tests need a browser: hls.js and the web player run in Debian's Chromium (never a downloaded one).
# nginx: the reference origin the range tests compare against; postgresql: the catalog tests also run on a real
# PostgreSQL 15 (a throwaway cluster); janus, its page libraries (janus.js, webrtc-adapter) and iproute2 (a private
# network namespace): the live-ingest test records a session with a real Janus through scripts/record-fixtures.
REPRISE_TEST_APT_PACKAGES=(chromium nginx postgresql janus libjs-janus-gateway libjs-webrtc-adapter iproute2)

ensure_apt_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "reprise: missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "reprise: installing ${missing[*]} (apt-get)" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

ensure_node() {
  if ! command -v node >/dev/null 2>&1; then
    echo "reprise: Node.js >= 20 is required (not found on PATH)" >&2
    return 1
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$major" -lt 20 ]; then
    echo "reprise: Node.js >= 20 is required, found $(node --version) (Debian 12's nodejs is 18: install Node 20 or newer)" >&2
    return 1
  fi
}

ensure_npm_dependencies() {
  cd "$REPRISE_ROOT"
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
}
