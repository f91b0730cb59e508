#!/usr/bin/env bash
# Builds the web UI (web/ → web/dist) with npm when dist is missing or older than any source,
# lock file or config. `make run` and tests/ui/run.sh call it. Needs node and npm
# (scripts/install-deps.sh --ui installs them) and the npm registry for `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/../web"
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "sanxiang: 构建网页界面需要 node 和 npm：请运行 bash scripts/install-deps.sh --ui（Debian 包 nodejs、npm）" >&2
  exit 4
fi
stamp=dist/.built
stale=0
if [ ! -f "$stamp" ] || [ ! -f dist/index.html ] || [ ! -f dist/app/index.html ]; then
  stale=1
elif [ -n "$(find src public index.html app/index.html package.json package-lock.json vite.config.js -newer "$stamp" -print -quit)" ]; then
  stale=1
fi
[ "$stale" -eq 1 ] || exit 0
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "安装网页界面依赖（npm ci）…" >&2
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2
fi
echo "构建网页界面（vite build）…" >&2
npm run --silent build >/dev/null
# gzip siblings of the text files: `sanxiang serve` sends name.gz to clients that take gzip
find dist -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' -o -name '*.json' \) \
  -size +1k -exec gzip -9 -k -f {} +
touch "$stamp"
