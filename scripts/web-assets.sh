#!/usr/bin/env bash
# Rebuild the web application's vendored chart bundle from npm at the versions pinned in
# scripts/web-assets/package-lock.json (vega, vega-lite, vega-embed, vega-interpreter).
#
# Why vendored (the output is committed): the application must run on a closed network and from
# an installed wheel, with no npm and no CDN; the lock file records the exact versions and their
# integrity hashes, so anyone can rebuild the file and compare. Why a bundle rather than the
# packages' own builds: the CSP-safe expression interpreter is published only as an ES module,
# and one file loaded by an external script keeps the pages free of inline script.
set -euo pipefail
cd "$(dirname "$0")/web-assets"
npm ci --no-audit --no-fund --silent
out=../../src/pejling/web/static/web/vendor/vega-bundle.min.js
node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --target=es2020 \
    --legal-comments=eof --log-level=warning --outfile="$out"
echo "wrote ${out#../../} ($(wc -c <"$out") bytes)"
