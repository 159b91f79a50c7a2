#!/usr/bin/env bash
# Installs the Debian 12 packages that Mobile Link builds and tests with: nodejs and npm bundle
# the web console and chat widget, and the browser tests drive Debian's chromium headless.
#
# Debian 12's libphonenumber-dev depends on libboost-thread-dev, which is the
# Boost 1.74 metapackage and conflicts with Boost 1.81. libphonenumber is built
# without Boost, so a local empty package that provides libboost-thread-dev
# lets both install side by side.
set -euo pipefail

packages=(
  libboost-json1.81-dev libboost-url1.81-dev libssl-dev libsqlite3-dev libpq-dev
  libphonenumber-dev libsodium-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libicu-dev libfasttext-dev liblinear-dev
  libstemmer-dev
  ccache ninja-build cmake g++ pkg-config sqlite3 curl jq chromium
)

# The KPI dashboard's charting library (Chart.js) comes from npm, pinned by
# web/dashboard/package-lock.json; the server serves it from web/dashboard/node_modules.
install_dashboard_modules() {
  local dir
  dir="$(dirname "$0")/../web/dashboard"
  if [[ ! -f "$dir/node_modules/chart.js/dist/chart.umd.js" ]]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

missing=()
# A nodejs package from outside Debian (NodeSource) bundles npm and conflicts with Debian's npm
# package, so node and npm are installed only when the commands are missing.
if ! command -v node >/dev/null; then
  missing+=(nodejs)
fi
if ! command -v npm >/dev/null; then
  missing+=(npm)
fi
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  install_dashboard_modules
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi

shim_dir=$(mktemp -d)
trap 'rm -rf "$shim_dir"' EXIT
mkdir -p "$shim_dir/pkg/DEBIAN"
cat >"$shim_dir/pkg/DEBIAN/control" <<'CONTROL'
Package: local-boost-thread-dev-shim
Version: 1.0
Architecture: all
Maintainer: Mobile Link <root@localhost>
Provides: libboost-thread-dev
Description: lets libphonenumber-dev install next to Boost 1.81
 Debian 12's libphonenumber-dev depends on libboost-thread-dev (Boost 1.74),
 whose headers conflict with libboost1.81-dev. libphonenumber itself is built
 without Boost, so this empty package stands in for that dependency.
CONTROL
dpkg-deb --build "$shim_dir/pkg" "$shim_dir/local-boost-thread-dev-shim_1.0_all.deb" >/dev/null

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-upgrade -o DPkg::Lock::Timeout=600 \
  "$shim_dir/local-boost-thread-dev-shim_1.0_all.deb" "${missing[@]}"
install_dashboard_modules
