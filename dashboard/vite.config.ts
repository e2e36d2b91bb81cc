import { defineConfig } from 'vitest/config';

// The build lands in target/classes/smm-dashboard so Maven packages it into the jar that
// `smm server` serves from the classpath.
export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'target/classes/smm-dashboard',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2048,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:50500' },
  },
  test: {
    environment: 'node',
  },
});
