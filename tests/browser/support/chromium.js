// Debian's Chromium, driven by playwright-core: never a downloaded browser
// (there is no internet at run time). Headless, and quiet on the network:
// no background requests that a test's request log would have to ignore.
import { chromium } from 'playwright-core';
import { serveFolder } from './static-server.js';

export const CHROMIUM = process.env.IDENTITY_MFA_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A browser with a fresh profile (playwright makes a temp user-data-dir per launch). */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60000 });
}

/** Serves `folder` on loopback and opens a fresh page on it; both close after test `t`. */
export async function browseFolder(t, folder) {
  const server = await serveFolder(folder);
  const browser = await launchChromium();
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  return { url: server.url, page: await browser.newPage() };
}

/** The JSON a test page prints into <pre id="out"> once it is done. */
export async function pageOutput(page) {
  await page.waitForFunction(() => document.getElementById('out').textContent !== 'pending', null, { timeout: 60000 });
  return JSON.parse(await page.textContent('#out'));
}
