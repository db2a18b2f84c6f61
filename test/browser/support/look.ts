import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';

export const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

const SCREENSHOTS = join(__dirname, '../../../test-results/screenshots');

/**
 * Looks at a page as people do, at both sizes: axe-core finds no serious or critical violation, nothing is
 * wider than the screen, and a full-page screenshot of each size is kept (test-results/screenshots, and
 * attached to the test's report).
 */
export async function look(page: Page, name: string, testInfo: TestInfo): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const axe = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
      .analyze();
    const severe = axe.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      }));
    expect(severe, `axe on ${name} at ${size.name} size`).toEqual([]);
    const { overflow, widest } = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      // The outermost elements that stick out, to name in the failure.
      const out = [...document.querySelectorAll('body *')].filter(
        (el) =>
          el.getBoundingClientRect().right > width + 1 &&
          !(el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1) &&
          !el.closest('.table-scroll, pre'),
      );
      return {
        overflow: document.documentElement.scrollWidth - width,
        widest: out.slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
      };
    });
    expect(
      overflow,
      `${name} at ${size.name} size is wider than the screen by ${overflow}px: ${widest.join(', ')}`,
    ).toBeLessThanOrEqual(0);
    const path = join(SCREENSHOTS, `${name}-${size.name}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`${name}-${size.name}`, { path, contentType: 'image/png' });
  }
  if (original) await page.setViewportSize(original);
}

/**
 * Console errors the app itself caused. Chromium also logs every 4xx/5xx answer as "Failed to load
 * resource"; those are the api's expected answers (a refused CSV, a 401 before sign-in) that the page shows.
 */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (/^Failed to load resource: the server responded with a status of (4\d\d|503)/.test(message.text())) return;
    errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return errors;
}
