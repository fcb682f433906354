import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('./src-renderer', import.meta.url)),
  // Relative asset URLs: the app serves the page from app://renderer/, the tests from vite preview.
  base: './',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'chrome140',
    sourcemap: true,
    reportCompressedSize: false,
  },
  preview: {
    host: '127.0.0.1',
    strictPort: true,
  },
});
