/** Helpers to observe the thin client from a test (through `window.__vm` and data-testid). */
import type { Page } from 'playwright-core';
import type { LogEntry } from '../../android-shell/web/src/controller.ts';
import type { Status } from '../../android-shell/web/src/controller.ts';

export async function vmLog(page: Page): Promise<LogEntry[]> {
  return page.evaluate(() => (window as unknown as { __vm: { controller: { log: LogEntry[] } } }).__vm.controller.log);
}

export async function vmStats(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => (window as unknown as { __vm: { stats(): Record<string, number> } }).__vm.stats());
}

export async function waitForStatus(page: Page, states: Status[], timeoutMs = 15000): Promise<void> {
  await page.waitForFunction((s) => (s as string[]).includes(document.querySelector('[data-testid=status]')?.getAttribute('data-state') ?? ''), states, { timeout: timeoutMs });
}
