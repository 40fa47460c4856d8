// The dashboard scenario in Debian's chromium, driven by playwright-core.
// Started by test_dashboard.py, which runs the daemon and passes, in the
// environment: DASHBOARD_URL, LOGIN_URL (a one-time link from notifyctl
// login), TELEGRAM_CONFIGURED and TELEGRAM_CODE (from the fake Bot API's
// /start; empty = skip linking), DESKTOP_CONFIGURED, CHECK_NAME (empty = skip
// Run now), IMAGE_TITLE, HTML_TITLE, SCREENSHOT_DIR, CHROMIUM, USER_DATA_DIR.
// Exits 0 when every step passed and no page logged a JavaScript error.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const env = process.env;
const base = env.DASHBOARD_URL;
const shots = env.SCREENSHOT_DIR;
const desktopSize = { width: 1280, height: 900 };
const phoneSize = { width: 390, height: 844 };

const problems = [];
let where = 'start';

function check(condition, message) {
  if (!condition) throw new Error(`${where}: ${message}`);
}

async function step(name, body) {
  where = name;
  console.log(`step: ${name}`);
  await body();
}

fs.mkdirSync(shots, { recursive: true });
fs.rmSync(env.USER_DATA_DIR, { recursive: true, force: true });
const context = await chromium.launchPersistentContext(env.USER_DATA_DIR, {
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: desktopSize,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
context.setDefaultTimeout(20000);
const page = context.pages()[0] || await context.newPage();
page.on('console', (message) => {
  if (message.type() === 'error') problems.push(`${where}: console error: ${message.text()}`);
});
page.on('pageerror', (error) => problems.push(`${where}: uncaught exception: ${error.message}`));
page.on('requestfailed', (request) => {
  const why = request.failure()?.errorText || '';
  if (!why.includes('ERR_ABORTED')) problems.push(`${where}: request failed: ${request.url()} ${why}`);
});

async function shot(name) {
  const size = page.viewportSize();
  const prefix = size.width < 600 ? 'phone' : 'desktop';
  const file = path.join(shots, `${prefix}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

async function pageBasics() {
  check(await page.locator('h1').count() === 1, 'a page has exactly one h1');
  const unnamedImages = await page.locator('img:not([alt])').count();
  check(unnamedImages === 0, 'every image has alt text');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `the page is ${overflow}px wider than the window`);
}

async function open(target) {
  const response = await page.goto(base + target);
  check(response && response.status() === 200, `GET ${target} answered ${response && response.status()}`);
  await pageBasics();
}

try {
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
    await shot('telegram');
    if (!env.TELEGRAM_CODE) return;
    const field = page.getByLabel('Verification code');
    await field.fill('12345');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Enter the 6 digits').waitFor();
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

  if (env.TELEGRAM_CODE) {
    await step('telegram-unlink', async () => {
      await open('/');
      await page.getByRole('button', { name: 'Unlink Telegram' }).click();
      await page.locator('.badge', { hasText: 'Not linked' }).waitFor();
      await shot('telegram-unlinked');
    });
  }

  await step('phone', async () => {
    await page.setViewportSize(phoneSize);
    for (const [name, target] of [['telegram', '/'], ['checks', '/checks'], ['history', '/history'], ['desktop', '/desktop']]) {
      where = `phone ${name}`;
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
} catch (error) {
  problems.push(`${where}: ${error.message}`);
  try {
    await shot(`failed-${where.replace(/[^a-z0-9-]+/gi, '-')}`);
  } catch (ignored) {
    // the screenshot of a failure is a courtesy
  }
} finally {
  await context.close();
}

if (problems.length > 0) {
  console.log('FAILED:');
  for (const problem of problems) console.log(`  ${problem}`);
  process.exit(1);
}
console.log('all steps passed; no JavaScript errors');
