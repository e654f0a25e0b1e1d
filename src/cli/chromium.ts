import { existsSync } from 'node:fs';

/** Flags Chromium needs for WebGPU on SwiftShader, run as root, offline. */
export const chromiumArgs = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The system Chromium: CHROME_PATH first, then Debian's. No test downloads a browser. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `No Chromium found (tried ${candidates.join(', ')}). Set CHROME_PATH or run: apt-get install -y chromium`,
    );
  }
  return found;
}
