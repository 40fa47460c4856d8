// The dashboard scenario in Debian's chromium, driven by playwright-core.
// Started by test_dashboard.py, which runs the daemon and passes, in the
// environment: DASHBOARD_URL, LOGIN_URL (a one-time link from notifyctl
// login), TELEGRAM_CONFIGURED, BOT_USERNAME and TELEGRAM_CODE (from the fake
// Bot API's /start; empty = skip linking), DESKTOP_CONFIGURED, CHECK_NAME
// (empty = skip Run now), IMAGE_TITLE, HTML_TITLE, MARKDOWN_TITLE,
// HOSTILE_TITLE, SCREENSHOT_DIR, CHROMIUM, USER_DATA_DIR.
// Exits 0 when every step passed and no page logged a JavaScript error.
import { desktopSize, openBrowser, phoneSize } from './browser_session.mjs';

const env = process.env;
const session = await openBrowser(env);
const { base, page, check, step, shot, pageBasics, open } = session;

await session.run(async () => {
  await step('login-link', async () => {
    const response = await page.goto(env.LOGIN_URL);
    check(response.status() === 200, `the login link page answered ${response.status()}`);
    const button = page.getByRole('button', { name: /^Continue as / });
    await button.waitFor();
    await shot('login-link');
    await Promise.all([page.waitForURL(`${base}/`), button.click()]);
    check((await page.locator('.who').textContent()).includes('Signed in as'), 'signed in after the link');
    await pageBasics();
  });

  await step('telegram', async () => {
    await open('/');
    if (!env.TELEGRAM_CONFIGURED) {
      await page.getByText('Telegram is not configured').waitFor();
      await shot('telegram');
      console.log('telegram: not configured on this daemon; linking skipped');
      return;
    }
    await page.locator('.badge', { hasText: 'Not linked' }).waitFor();
    await page.getByText('/start').first().waitFor();
    if (env.BOT_USERNAME) {
      const bot = page.getByRole('link', { name: `@${env.BOT_USERNAME}` });
      await bot.waitFor();
      check(await bot.getAttribute('href') === `https://t.me/${env.BOT_USERNAME}`, 'the bot is linked to its t.me page');
    }
    await shot('telegram');
    if (!env.TELEGRAM_CODE) return;
    const field = page.getByLabel('Verification code');
    await field.fill('12345');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Enter the 6 digits').waitFor();
    const wrong = env.TELEGRAM_CODE === '000000' ? '000001' : '000000';
    await field.fill(wrong);
    session.expectConsoleError(/status of 400/);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('That code is not valid or has expired').waitFor();
    await field.fill(env.TELEGRAM_CODE);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.locator('.badge.ok', { hasText: 'Linked' }).waitFor();
    await page.getByText('since').waitFor();
    await pageBasics();
    await shot('telegram-linked');
  });

  await step('checks', async () => {
    await open('/checks');
    if (!env.CHECK_NAME) {
      await page.getByText('no checks yet').waitFor();
      await shot('checks');
      console.log('checks: no check provider on this daemon; Run now skipped');
      return;
    }
    const card = page.locator('article.check', { has: page.getByRole('heading', { name: env.CHECK_NAME, exact: true }) });
    await card.waitFor();
    await shot('checks');
    await card.getByRole('button', { name: 'Run now' }).click();
    const result = card.locator('.run-result');
    await result.locator('.badge', { hasText: 'notified' }).waitFor({ timeout: 60000 });
    const text = await result.textContent();
    check(text.includes('Sent:') && text.includes('Low disk space'), `the run's result shows what it sent: ${text}`);
    check(await card.getByRole('button', { name: 'Run now' }).isEnabled(), 'Run now is enabled again');
    await card.locator('dl.facts div', { hasText: 'Last sent' }).filter({ hasNotText: 'never' }).waitFor();
    await card.locator('details.runs summary', { hasText: 'Recent runs (1)' }).waitFor();
    await shot('checks-run');
  });

  await step('history', async () => {
    await open('/history');
    const imageCard = page.locator('article.notification', { has: page.getByRole('heading', { name: env.IMAGE_TITLE }) });
    await imageCard.waitFor();
    const image = imageCard.locator('img');
    await image.waitFor();
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    check(await image.evaluate((i) => i.naturalWidth > 0), 'the notification image loaded');
    await imageCard.locator('.deliveries', { hasText: 'console: delivered' }).waitFor();
    const heading = page.locator('article.notification h2').filter({ hasText: 'Not bold' });
    check(await heading.textContent() === env.HTML_TITLE, 'the HTML title is shown as its text');
    check(await heading.locator('b, script').count() === 0, 'no markup from the title became elements');
    check(await page.evaluate(() => window.pwned === undefined), 'no script from a title ran');
    if (env.CHECK_NAME) await page.getByRole('heading', { name: /Low disk space/ }).first().waitFor();

    const formatted = page.locator('article.notification', { has: page.getByRole('heading', { name: env.MARKDOWN_TITLE }) })
      .locator('.message');
    await formatted.waitFor();
    check(await formatted.locator('strong').first().textContent() === 'Disk', `*Disk* is bold: ${await formatted.innerHTML()}`);
    check(await formatted.locator('code').first().textContent() === 'db1', '`db1` is code');
    check(await formatted.locator('a[href="https://example.com/report"]').textContent() === 'the report', 'the link is a link');
    check(!(await formatted.textContent()).includes('*'), 'no Markdown markers are left');

    const hostile = page.locator('article.notification', { has: page.getByRole('heading', { name: env.HOSTILE_TITLE }) })
      .locator('.message');
    check((await hostile.textContent()).includes('<img src=x onerror=window.pwned=1>'), 'markup in a message is text');
    check(await hostile.locator('img, script, a').count() === 0, 'no element and no javascript: link came from it');
    check(await page.evaluate(() => window.pwned === undefined), 'no script from a message ran');

    const when = await page.locator('article.notification .meta time').first().textContent();
    check(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/.test(when), `times name their zone: ${when}`);
    await shot('history');
  });

  await step('desktop', async () => {
    await open('/desktop');
    if (!env.DESKTOP_CONFIGURED) {
      await page.getByText('not available').waitFor();
      await shot('desktop');
      console.log('desktop: no websocket plugin on this daemon; token skipped');
      return;
    }
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.locator('#desktop-token').waitFor({ state: 'visible' });
    const token = await page.locator('#desktop-token-value').inputValue();
    check(token.split('.').length === 3, `a JWT was shown: ${token}`);
    check((await page.locator('#desktop-token-url').textContent()).startsWith('ws'), 'the server address is shown');
    await shot('desktop');
  });

  await step('api-tokens', async () => {
    await open('/tokens');
    await page.getByText('You have no API tokens.').waitFor();
    await page.getByLabel('Name').fill('ci-runner');
    await page.getByLabel('Expires').fill('30d');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.locator('#issued-token').waitFor();
    await session.pageBasics();
    const token = await page.locator('#issued-token').inputValue();
    check(/^nd_[0-9a-f]{12}[A-Za-z0-9_-]{43}$/.test(token), `a token was shown: ${token}`);
    check((await page.locator('pre code').textContent()).includes(`Bearer ${token}`), 'the curl line carries it');
    await shot('api-tokens-created');
    await open('/tokens');
    const row = page.locator('table.tokens tr', { hasText: 'ci-runner' });
    await row.waitFor();
    check(!(await page.content()).includes(token), 'the token is shown only once');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('You have no API tokens.').waitFor();
    await shot('api-tokens');
  });

  if (env.TELEGRAM_CODE) {
    await step('telegram-unlink', async () => {
      await open('/');
      await page.getByRole('button', { name: 'Unlink Telegram' }).click();
      await page.locator('.badge', { hasText: 'Not linked' }).waitFor();
      await shot('telegram-unlinked');
    });

    await step('telegram-too-many-attempts', async () => {
      const field = page.getByLabel('Verification code');
      let status = 0;
      for (let attempt = 0; attempt < 8 && status !== 429; attempt += 1) {
        await field.fill(env.TELEGRAM_CODE === '000000' ? '000001' : '000000');
        session.expectConsoleError(/status of (400|429)/);
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/api/telegram/verify')),
          page.getByRole('button', { name: 'Verify' }).click(),
        ]);
        status = response.status();
      }
      check(status === 429, `wrong codes are refused for a while at last (${status})`);
      await page.getByText(/^Too many attempts\. Try again in \d+ minutes?\.$/).waitFor();
    });
  }

  await step('phone', async () => {
    await page.setViewportSize(phoneSize);
    for (const [name, target] of [['telegram', '/'], ['checks', '/checks'], ['history', '/history'], ['desktop', '/desktop'], ['api-tokens', '/tokens']]) {
      session.where = `phone ${name}`;
      await open(target);
      await page.waitForFunction(() => [...document.images].every((i) => i.complete));
      await shot(name);
    }
    await page.setViewportSize(desktopSize);
  });

  await step('sign-out', async () => {
    await open('/');
    await Promise.all([page.waitForURL(/\/login\?signed_out=1$/), page.getByRole('button', { name: 'Sign out' }).click()]);
    await page.getByText('You are signed out').waitFor();
    await shot('signed-out');
    await page.goto(`${base}/history`);
    check(new URL(page.url()).pathname === '/login', 'after signing out, pages lead to the sign-in page');
  });
});
