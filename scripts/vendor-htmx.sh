#!/usr/bin/env bash
# The counter page's htmx (leafletgen/web/static/htmx.min.js), from its npm package: the app
# serves it itself (no CDN, no build step). Pinned, and checked against the hash of the file
# in the repository, so updating it is a deliberate change of VERSION and SHA256 here.
set -euo pipefail
VERSION=2.0.11
SHA256=d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717
static="$(cd "$(dirname "$0")/.." && pwd)/leafletgen/web/static"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@${VERSION}" >/dev/null && tar xzf "htmx.org-${VERSION}.tgz")
echo "${SHA256}  ${work}/package/dist/htmx.min.js" | sha256sum --check --quiet
cp "${work}/package/dist/htmx.min.js" "${static}/htmx.min.js"
cp "${work}/package/LICENSE" "${static}/htmx.LICENSE"
echo "htmx ${VERSION} in ${static}"
