// The dashboard of a server whose Telegram bot has no token and whose desktop
// channel has no JWT secret, in Debian's chromium. Started by
// test_dashboard.py with DASHBOARD_URL, LOGIN_URL, NOTIFYCTL, SOCKET,
// LONG_SOURCE, SCREENSHOT_DIR, CHROMIUM, USER_DATA_DIR. Also: signing in
// leads back to the page asked for; the empty history says how to get a
// first notification; a long source path wraps at its slashes on a phone.
import { execFileSync } from 'node:child_process';

import { openBrowser, phoneSize } from './browser_session.mjs';

const env = process.env;
const session = await openBrowser(env);
const { base, page, check, step, shot, pageBasics, open } = session;

await session.run(async () => {
  await step('sign-in-returns', async () => {
    await page.goto(`${base}/history`);
    check(new URL(page.url()).pathname === '/login', 'a page leads to the sign-in page first');
    await page.getByText('After signing in you go on to').waitFor();
    await page.goto(env.LOGIN_URL);
    const button = page.getByRole('button', { name: /^Continue as / });
    await Promise.all([page.waitForURL(`${base}/history`), button.click()]);
    await pageBasics();
  });

  await step('history-empty', async () => {
    await page.getByText('No notifications yet').waitFor();
    await page.getByText('notifyctl send').waitFor();
    await shot('history-empty');
  });

  await step('telegram-off', async () => {
    await open('/');
    await page.getByText('Telegram is not set up on this server').waitFor();
    check(await page.getByText('Not linked').count() === 0, 'no "Not linked" state while Telegram is off');
    check(await page.getByLabel('Verification code').count() === 0, 'no code to enter while Telegram is off');
    const me = await page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).json());
    check(me.telegram_configured === false, `/api/me: telegram_configured ${me.telegram_configured}`);
    check(me.desktop_configured === false, `/api/me: desktop_configured ${me.desktop_configured}`);
    await shot('telegram-off');
  });

  await step('desktop-off', async () => {
    await open('/desktop');
    await page.getByText('desktop push is not set up on this server').waitFor();
    check(await page.getByRole('button', { name: 'Create token' }).count() === 0, 'no token to create');
    await shot('desktop-off');
  });

  await step('source-wraps', async () => {
    execFileSync(env.NOTIFYCTL, ['--socket', env.SOCKET, 'send', '--title', 'Disk usage', '--source', env.LONG_SOURCE,
                                 '*95%* used'], { timeout: 30000 });
    await page.setViewportSize(phoneSize);
    await open('/history');
    const path = page.locator('article.notification .meta code.path').first();
    await path.waitFor();
    // Each piece between slashes stays on one line.
    const split = await path.evaluate((code) => [...code.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .filter((node) => {
        const range = document.createRange();
        range.selectNodeContents(node);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
      })
      .map((node) => node.textContent));
    check(split.length === 0, `path pieces broken across lines: ${split.join(', ')}`);
    const lines = await path.evaluate((code) => new Set([...code.getClientRects()].map((r) => Math.round(r.top))).size);
    check(lines > 1, 'the long path wraps at a 390 px width');
    await shot('history-source');
  });
});
