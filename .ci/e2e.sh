#!/usr/bin/env bash
# The end-to-end part of CI: dprog in a real VS Code (code-server + Playwright + Debian Chromium,
# see design/e2e.md). Installs what it needs (idempotent; .cache/ is reused between runs),
# packages dprog.vsix, prepares the sample data, and runs test/e2e/. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

CODE_SERVER_VERSION=4.100.3   # the newest line that runs on Node 20

echo "== e2e: system packages (chromium, ripgrep, krb5, pkg-config)"
if ! command -v chromium >/dev/null 2>&1 || ! command -v rg >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends chromium libkrb5-dev pkg-config ripgrep >/dev/null
    fi
fi

echo "== e2e: code-server ${CODE_SERVER_VERSION} in .cache/code-server"
if [ ! -x .cache/code-server/node_modules/.bin/code-server ]; then
    # code-server's VS Code wants to download ripgrep at install time; give it Debian's binary
    # through the cache that @vscode/ripgrep checks first.
    tmp="$(node -p 'require("os").tmpdir()')"
    mkdir -p "$tmp/vscode-ripgrep-cache-1.15.11" "$tmp/rg"
    cp "$(command -v rg)" "$tmp/rg/rg"
    tar czf "$tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp/rg" rg
    # Its postinstall builds native modules (and npm 11 runs no dependency install scripts unless told).
    npm_config_yes=true npm_config_unsafe_perm=true npm_config_dangerously_allow_all_scripts=true \
        npm install --no-save --no-audit --no-fund --prefix .cache/code-server "code-server@${CODE_SERVER_VERSION}"
fi

echo "== e2e: sample data"
[ -f samples/spam/data/emails.jsonl ] || npx tsx samples/spam/prepare.ts
[ -d samples/documents/data/pages ] || npx tsx samples/documents/prepare.ts

echo "== e2e: package dprog.vsix"
npm run package

echo "== e2e: run (screenshots in test-results/e2e/)"
npx vitest run --config test/e2e/vitest.config.ts
