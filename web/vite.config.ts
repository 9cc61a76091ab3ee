import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies /api to a running `./dev.sh` (port 7071), so the client and the API share one origin there;
// the built client reads its API base URL from /config.json instead (see src/api/config.ts).
export default defineConfig({
  plugins: [react()],
  // One bundle of ~155 KB gzipped (React, the SignalR client, i18next, date-fns): loaded once by a page that stays open.
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 700 },
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:7071' } },
});
