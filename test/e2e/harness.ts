/**
 * End-to-end harness: a real motcua server on 127.0.0.1 (a random free port, started and
 * stopped by the test, SQLite or the PostgreSQL at DATABASE_URL), and Debian's Chromium driven
 * by playwright-core. Every page a test opens is watched: a console error, an uncaught
 * exception, a failed request or an unexpected HTTP error fails the test.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { createManualClock, type ManualClock } from '../../src/clock/index.js';
import { createMotcua, type Motcua } from '../../src/server/motcua.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/postgres.js';

/** Monday 2 March 2026, 09:00 in Hà Tĩnh: a working day the calendar knows. */
export const E2E_START = '2026-03-02T02:00:00.000Z';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Where screenshots go (git-ignored). */
export const OUTPUT_DIR = join(process.cwd(), 'test-output', 'e2e');

const USERS = {
  admin: { name: 'Quản trị hệ thống', unit: 'ha-tinh', roles: ['admin'] },
  auditor: { name: 'Thanh tra tỉnh', unit: 'ha-tinh', roles: ['auditor'] },
  officer: { name: 'Nguyễn Thị Hoa', unit: 'thanh-sen', roles: ['receiver', 'processor', 'leader'] },
  other: { name: 'Trần Văn Bình', unit: 'thach-khe', roles: ['receiver', 'processor', 'leader'] },
} as const;
export type E2EUser = keyof typeof USERS;

export interface E2EServer {
  url: string;
  m: Motcua;
  clock: ManualClock;
  tokens: Record<E2EUser, string>;
  logs: string[];
  stop(): Promise<void>;
}

/** Starts motcua with one user per role on a fresh store and a free loopback port. */
export async function startServer(): Promise<E2EServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-e2e-'));
  const database: TestDatabase | undefined = postgresUrl ? await createTestDatabase() : undefined;
  const clock = createManualClock(E2E_START);
  const logs: string[] = [];
  const m = await createMotcua({ dataDir, databaseUrl: database?.url, proceduresDir: 'procedures', configDir: 'config', clock, log: (l) => logs.push(l) });
  const tokens = {} as Record<E2EUser, string>;
  for (const [key, u] of Object.entries(USERS) as [E2EUser, (typeof USERS)[E2EUser]][]) {
    tokens[key] = (await m.users.create(null, { name: u.name, unit: u.unit, roles: [...u.roles] }, { requestId: 'e2e' })).token;
  }
  const server: ServerType = serve({ fetch: m.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    m,
    clock,
    tokens,
    logs,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await m.close();
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

/**
 * Launches headless Chromium. Playwright starts it with a fresh, temporary user-data-dir of
 * its own (removed at close), so no profile state leaks between runs.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Problems seen on a page; tests assert the list is empty. */
export interface PageWatch {
  problems: string[];
  /** Allows one HTTP error status on a path the test provokes on purpose (e.g. a 404). */
  expect(status: number, path: string): void;
}

/** A new isolated context (its own cookies) and page, watched for errors. */
export async function openPage(browser: Browser, viewport = { width: 1366, height: 768 }): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  // Generous for a loaded 2-core CI machine; a real hang still fails well within the test's timeout.
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  const expected: { status: number; path: string }[] = [];
  const isExpected = (status: number, url: string) => {
    const path = new URL(url).pathname;
    const i = expected.findIndex((e) => e.status === status && e.path === path);
    if (i >= 0) expected.splice(i, 1);
    return i >= 0;
  };
  const allowedConsole: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium reports an HTTP error status on the console too; the test already allowed that one.
    const at = msg.location().url;
    if (/Failed to load resource: the server responded with a status of (\d+)/.test(msg.text()) && allowedConsole.includes(at)) return;
    problems.push(`console error: ${msg.text()} (${at})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // The tab icon loads after the page; a test that moves on at once cancels it. That is the
    // browser leaving, not the server failing; any other cancelled or failed request counts.
    if (r.failure()?.errorText === 'net::ERR_ABORTED' && new URL(r.url()).pathname === '/assets/icon.svg') return;
    problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('response', (r) => {
    if (r.status() < 400) return;
    if (isExpected(r.status(), r.url())) {
      allowedConsole.push(r.url());
      return;
    }
    problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  return { context, page, watch: { problems, expect: (status, path) => expected.push({ status, path }) } };
}

/** Saves a full-page screenshot under test-output/e2e/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Signs in through the sign-in form with an API token. */
export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/dang-nhap`);
  await page.getByLabel('Mã truy cập').fill(token);
  await clickAndLoad(page, page.getByRole('button', { name: 'Đăng nhập' }));
}

/** Clicks something that loads a new page (a link, a form's button) and waits for that page to load. */
export async function clickAndLoad(page: Page, target: Locator): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 20_000 });
  await target.click();
  await navigated;
  await page.waitForLoadState('load');
}

/** The visible text of an element, once it is there. */
export async function textOf(target: Locator): Promise<string> {
  await target.first().waitFor({ state: 'visible', timeout: 20_000 });
  return target.first().innerText();
}

/** The page's full width in CSS pixels: wider than the viewport means sideways scrolling. */
export async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth');
}
