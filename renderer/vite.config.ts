/** Builds the renderer to dist/renderer: relative asset paths (served by app://), the CSP in index.html. */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { META_CONTENT_SECURITY_POLICY } from '../shared/csp.js';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [
    react(),
    {
      name: 'trustdesk-csp',
      transformIndexHtml: (html) => html.replace('%CSP%', META_CONTENT_SECURITY_POLICY),
    },
  ],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    modulePreload: { polyfill: false },
    target: 'chrome120',
  },
});
