// What the browser scenarios share: Debian's chromium driven by
// playwright-core, steps with names, checks, screenshots, and every
// JavaScript error or failed request collected as a problem.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const desktopSize = { width: 1280, height: 900 };
export const phoneSize = { width: 390, height: 844 };

// Opens chromium with env.USER_DATA_DIR; screenshots go to env.SCREENSHOT_DIR.
export async function openBrowser(env) {
  const base = env.DASHBOARD_URL;
  const shots = env.SCREENSHOT_DIR;
  const problems = [];
  let where = 'start';

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
  const expectedErrors = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const expected = expectedErrors.findIndex((pattern) => pattern.test(message.text()));
    if (expected >= 0) expectedErrors.splice(expected, 1);
    else problems.push(`${where}: console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${where}: uncaught exception: ${error.message}`));
  page.on('requestfailed', (request) => {
    const why = request.failure()?.errorText || '';
    if (!why.includes('ERR_ABORTED')) problems.push(`${where}: request failed: ${request.url()} ${why}`);
  });

  const session = {
    base,
    page,
    problems,
    get where() { return where; },
    set where(name) { where = name; },

    // The next console error matching `pattern` is part of the step (chromium
    // logs every refused request, e.g. a wrong code's 400).
    expectConsoleError(pattern) {
      expectedErrors.push(pattern);
    },

    check(condition, message) {
      if (!condition) throw new Error(`${where}: ${message}`);
    },

    async step(name, body) {
      where = name;
      console.log(`step: ${name}`);
      await body();
    },

    async shot(name) {
      const size = page.viewportSize();
      const prefix = size.width < 600 ? 'phone' : 'desktop';
      const file = path.join(shots, `${prefix}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`screenshot: ${file}`);
    },

    async pageBasics() {
      session.check(await page.locator('h1').count() === 1, 'a page has exactly one h1');
      const unnamedImages = await page.locator('img:not([alt])').count();
      session.check(unnamedImages === 0, 'every image has alt text');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      session.check(overflow <= 1, `the page is ${overflow}px wider than the window`);
    },

    async open(target) {
      const response = await page.goto(base + target);
      session.check(response && response.status() === 200, `GET ${target} answered ${response && response.status()}`);
      await session.pageBasics();
    },

    // Runs the steps; records a failure with a screenshot; closes the browser;
    // exits 0 only when no step failed and no page logged an error.
    async run(steps) {
      try {
        await steps();
      } catch (error) {
        problems.push(`${where}: ${error.message}`);
        try {
          await session.shot(`failed-${where.replace(/[^a-z0-9-]+/gi, '-')}`);
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
    },
  };
  return session;
}
