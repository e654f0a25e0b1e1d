import { defineConfig, type Plugin } from 'vite';

/**
 * The built page's Content-Security-Policy: scripts and workers from this origin only, no inline script, no eval;
 * styles from the stylesheet (KaTeX, uPlot and the page set element styles through the DOM, which the policy allows);
 * fonts and images from this origin or data: URLs (a KaTeX font Vite inlines, the PNG exports, the empty favicon).
 * The dev server injects its styles and reloads through inline code, so the policy is written into the build only.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self'",
  "font-src 'self' data:",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'initlab-content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  worker: { format: 'es' },
  build: { target: 'es2022' },
  plugins: [contentSecurityPolicy()],
});
