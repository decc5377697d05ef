import { defineConfig } from 'vite';

/** Vite serves index.html and bundles src/ for the browser; the CLI runs the same sources through tsx. */
export default defineConfig({
  base: './',
  build: { target: 'es2022', outDir: 'dist', chunkSizeWarningLimit: 2000 },
  server: { port: 5173 },
  preview: { port: 4173 },
});
