#!/usr/bin/env bash
# The project's two set-up commands (see README):
#   scripts/dev.sh demo   - run the app on a generated sample queue
#   scripts/dev.sh test   - the import contracts, ruff, mypy, then the whole test suite
# Each creates .venv if needed and installs only what is missing: Python
# packages from pyproject.toml, and (on Debian/Ubuntu, as root or with sudo)
# the system libraries Qt needs, a CJK font, Xvfb and xdotool.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY=${PYTHON:-python3}

# Qt's xcb/offscreen platforms, QtMultimedia (libpulse0), a CJK font for
# Chinese, Xvfb + xdotool for the end-to-end test, sqlite3 for the benchmarks.
APT_PACKAGES=(
  libegl1 libgl1 libopengl0 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
  libxcb-xkb1 libxcb-xfixes0 libxcb-shm0 libxrender1 libx11-xcb1 libxi6 libsm6 libice6
  libpulse0 fonts-wqy-microhei xvfb xauth xdotool sqlite3
)

ensure_system_packages() {
  command -v dpkg-query >/dev/null 2>&1 || { echo "dev.sh: not a Debian-like system; install Qt's runtime libraries yourself" >&2; return 0; }
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "dev.sh: missing system packages (${missing[*]}); install them as root" >&2; return 1; fi
  fi
  echo "dev.sh: installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {
  local extras=$1
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  local stamp="$VENV/.installed-$extras-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "dev.sh: installing Python packages into .venv ($extras)"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[$extras]"
    touch "$stamp"
  fi
}

case "${1:-}" in
  demo)
    shift
    ensure_system_packages
    ensure_venv postgres
    exec "$VENV/bin/moderator-gui" --demo "$@"
    ;;
  test)
    shift
    ensure_system_packages
    ensure_venv test
    export MODERATOR_TEST_ARTIFACTS=${MODERATOR_TEST_ARTIFACTS:-$ROOT/test-artifacts}
    mkdir -p "$MODERATOR_TEST_ARTIFACTS"
    "$VENV/bin/lint-imports"  # reads the contracts from pyproject.toml
    "$VENV/bin/ruff" check moderator_gui tests bench scripts  # rules in pyproject.toml [tool.ruff]
    "$VENV/bin/mypy"  # files and options in pyproject.toml [tool.mypy]; cache in .mypy_cache
    exec "$VENV/bin/python" -m pytest -n 2 "$@"
    ;;
  *)
    echo "usage: scripts/dev.sh demo [app options] | test [pytest options]" >&2
    exit 2
    ;;
esac
