import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, headless: browsers cannot be downloaded here, so tests drive the system one. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'].concat([
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs });
}
