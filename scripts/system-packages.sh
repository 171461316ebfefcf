#!/usr/bin/env bash
# Debian packages Yimen uses at run time or in its tests; installs the missing ones.
#   scripts/system-packages.sh run    # fonts for printed tickets, the hall voice
#   scripts/system-packages.sh test   # plus Chromium and zbar for the test suite
#   scripts/system-packages.sh bench  # plus wrk for bench/hub_bench.py
set -euo pipefail

RUN_PACKAGES=(fonts-noto-cjk fonts-tibetan-machine espeak-ng)
TEST_PACKAGES=(chromium fonts-wqy-zenhei zbar-tools libzbar0 sox)
BENCH_PACKAGES=(wrk)

wanted=("${RUN_PACKAGES[@]}")
[ "${1:-run}" = "test" ] && wanted+=("${TEST_PACKAGES[@]}")
[ "${1:-run}" = "bench" ] && wanted+=("${BENCH_PACKAGES[@]}")

# Debian's own python3 makes virtual environments only with python3-venv.
"${PYTHON:-python3}" -c "import ensurepip" >/dev/null 2>&1 || wanted+=(python3-venv)

missing=()
for pkg in "${wanted[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "note: not a Debian system; install the equivalents of: ${missing[*]}" >&2
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=
elif command -v sudo >/dev/null 2>&1; then
  SUDO=sudo
else
  echo "note: run as root to install: ${missing[*]}" >&2
  exit 0
fi
echo "== apt-get install ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
