// Debian's Chromium, driven by playwright-core: never a downloaded browser
// (there is no internet at run time). Headless, and quiet on the network:
// no background requests that a test's request log would have to ignore.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.IDENTITY_MFA_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A browser with a fresh profile (playwright makes a temp user-data-dir per launch). */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60000 });
}
