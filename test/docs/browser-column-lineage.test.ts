/**
 * A column's lineage on the docs site, in headless Chromium: after `tsdbt check` and `tsdbt docs
 * generate`, clicking people_per_craft's `people` column shows the chain down to the source column
 * it comes from through `people` (the upstream node's chunk loaded on the way). Skipped, with the
 * reason, where /usr/bin/chromium is not installed (`apt-get install -y chromium`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, tsdbt } from '../e2e/example-project.js';

const CHROMIUM = process.env.TSDBT_CHROMIUM ?? '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM);
const SKIP_REASON = `no Chromium at ${CHROMIUM}; install it with \`apt-get install -y chromium\` (or set TSDBT_CHROMIUM)`;
if (skip) console.warn(`test/docs/browser-column-lineage.test.ts: skipped, ${SKIP_REASON}.`);

describe.skipIf(skip)(skip ? `column lineage in Chromium (skipped: ${SKIP_REASON})` : 'column lineage in Chromium', () => {
  let example: ReturnType<typeof copyExample>;
  let browser: Browser;

  beforeAll(async () => {
    example = copyExample();
    for (const args of [['check'], ['docs', 'generate', '--empty-catalog']]) {
      const result = await tsdbt(example.dir, example.home, args);
      expect(result.code, result.stderr).toBe(0);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    example?.remove();
  });

  it('clicking a column shows where it comes from, down to the source column', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`file://${path.join(example.dir, 'target', 'index.html')}#/node/model.astro.people_per_craft`);
    const button = page.locator('button.column-name[data-column="people"]');
    await button.waitFor();
    // The checked type shows even though nothing was built and no catalog was read.
    await expect(page.locator('table.columns tbody tr', { has: button }).locator('code.type.checked').textContent()).resolves.toBe('UInt32');
    await button.click();
    const row = page.locator('tr.column-lineage[data-column="people"]');
    const source = row.locator('li[data-node="source.astro.astro.raw_astros"][data-column="payload"]');
    await source.waitFor();
    await expect(row.locator('li[data-node="model.astro.people"][data-column="craft"] > .lineage-kind').first().textContent()).resolves.toBe('group by key');
    await expect(source.textContent()).resolves.toBe('astro.raw_astros.payload computed from');
    await button.click();
    await expect(row.count()).resolves.toBe(0);
    expect(errors).toEqual([]);
  });
});
