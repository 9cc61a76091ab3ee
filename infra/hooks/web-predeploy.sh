#!/bin/sh
# azd's predeploy hook of the `web` service (azure.yaml), run in web/ after azd built it (npm run build) and before
# the SWA CLI uploads web/dist. The client reads its API base at run time from /config.json, so one build serves any
# environment: WEB_API_BASE_URL is main.bicep's output ("/api" when the function app is the linked backend).
set -eu
api="${WEB_API_BASE_URL:-/api}"
if [ ! -f dist/index.html ]; then
  echo "web-predeploy: dist/index.html is missing: the web client was not built" >&2
  exit 1
fi
printf '{"apiBaseUrl": "%s"}\n' "$api" > dist/config.json

# Client-side routes fall back to index.html; entry points are revalidated, hashed assets cached for good. A
# staticwebapp.config.json the client ships itself wins.
if [ ! -f dist/staticwebapp.config.json ]; then
  cat > dist/staticwebapp.config.json <<'JSON'
{
  "navigationFallback": {
    "rewrite": "/index.html",
    "exclude": ["/api/*", "/assets/*", "/config.json", "/*.{js,css,map,json,svg,png,ico,webp,webmanifest,wasm,txt}"]
  },
  "routes": [
    { "route": "/assets/*", "headers": { "Cache-Control": "public, max-age=31536000, immutable" } },
    { "route": "/config.json", "headers": { "Cache-Control": "no-cache" } },
    { "route": "/index.html", "headers": { "Cache-Control": "no-cache" } }
  ],
  "mimeTypes": { ".webmanifest": "application/manifest+json", ".wasm": "application/wasm" }
}
JSON
fi
echo "web-predeploy: dist/config.json points the client at $api"
