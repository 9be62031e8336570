#!/usr/bin/env bash
# Gradescope runs this once, as root, from /autograder/source, when it builds
# the autograder's image (docs/grading.md, "Gradescope"). It installs Node.js
# 20 or later and socklab from the tarball shipped next to this file.
#
# Node: Gradescope's Ubuntu images have `nodejs` in apt, but Ubuntu's is older
# than 20 (22.04 ships 12, 24.04 ships 18). When apt's is too old, the
# official Linux build is taken from nodejs.org (no NodeSource, no extra apt
# repository). NODE_VERSION picks it; a Node >= 20 already on PATH is kept.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SRC="$ROOT/source"
NODE_VERSION="${NODE_VERSION:-v20.19.5}"

node_ok() { command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; }

if ! node_ok; then
  apt-get update
  apt-get install -y --no-install-recommends ca-certificates curl xz-utils nodejs npm || true
fi
if ! node_ok; then
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) echo "setup.sh: no Node.js build for $(uname -m)" >&2; exit 1 ;;
  esac
  curl -fsSL "https://nodejs.org/dist/$NODE_VERSION/node-$NODE_VERSION-linux-$arch.tar.xz" | tar -xJ -C /usr/local --strip-components=1
  hash -r
fi
node_ok || { echo "setup.sh: Node.js 20 or later is needed, found $(node --version 2>/dev/null || echo none)" >&2; exit 1; }

# socklab, from the packed tarball, without dev dependencies, into $ROOT/socklab.
tgz="$(ls "$SRC"/socklab-*.tgz | head -n 1)"
mkdir -p "$ROOT/socklab"
cd "$ROOT/socklab"
[ -f package.json ] || echo '{ "name": "autograder", "private": true }' > package.json
npm install --omit=dev --no-audit --no-fund "$tgz"
# What socklab needs only for some assignments, at the versions it was tested
# with (its devDependencies): TypeScript for .ts check modules, the
# AssemblyScript compiler for `language: assemblyscript` submissions.
dev() { node -p "require('./node_modules/socklab/package.json').devDependencies['$1']"; }
extra=()
if find "$SRC/assignment" -name '*.ts' -o -name '*.mts' | grep -q .; then extra+=("typescript@$(dev typescript)"); fi
if grep -rqs 'language: *assemblyscript' "$SRC/assignment" --include='*.yaml' --include='*.yml'; then
  extra+=("assemblyscript@$(dev assemblyscript)" "@assemblyscript/wasi-shim@$(dev @assemblyscript/wasi-shim)")
fi
if [ ${#extra[@]} -gt 0 ]; then npm install --no-audit --no-fund "${extra[@]}"; fi
"$ROOT/socklab/node_modules/.bin/socklab" grade "$SRC/assignment/grading.yaml" --check
