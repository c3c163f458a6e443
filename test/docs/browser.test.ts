/**
 * The docs site in a real browser: Debian's headless Chromium driven by playwright-core. The
 * example project is built, documented and served, then the lineage, a click on a node, its SQL,
 * search and the selector box are checked as a person would use them. Screenshots land in
 * test-artifacts/. Skipped, with the reason, where /usr/bin/chromium is not installed
 * (`apt-get install -y chromium`; .ci/run does it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, tsdbt } from '../e2e/example-project.js';
import { projectYml, REPO_ROOT, removeProject, runCli, writeProject } from '../support/cli.js';
import { startServe } from './docs-helpers.js';

const CHROMIUM = process.env.TSDBT_CHROMIUM ?? '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM);
const SKIP_REASON = `no Chromium at ${CHROMIUM}; install it with \`apt-get install -y chromium\` (or set TSDBT_CHROMIUM)`;
if (skip) console.warn(`test/docs/browser.test.ts: skipped, ${SKIP_REASON}.`);

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const PEOPLE = 'model.astro.people';
const RAW = 'source.astro.astro.raw_astros';
const edge = (from: string, to: string) => `svg.lineage-svg path.edge[data-from="${from}"][data-to="${to}"]`;
const graphNode = (id: string) => `svg.lineage-svg g.node[data-id="${id}"]`;

describe.skipIf(skip)(skip ? `docs site in Chromium (skipped: ${SKIP_REASON})` : 'docs site in Chromium', () => {
  let example: ReturnType<typeof copyExample>;
  let server: Awaited<ReturnType<typeof startServe>>;
  let browser: Browser;
  /** Every URL the pages asked for, to prove the site stays on this machine. */
  const requested: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    example = copyExample();
    for (const args of [
      ['run', '--skip-ingest'],
      ['docs', 'generate'],
    ]) {
      const result = await tsdbt(example.dir, example.home, args);
      expect(result.code, result.stderr).toBe(0);
    }
    server = await startServe(example.dir, example.home);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    example?.remove();
  });

  async function open(url: string, viewport = { width: 1280, height: 760 }): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(url);
    return { page, errors };
  }

  it('draws the lineage raw_astros → people → people_per_craft / people_summary', async () => {
    const { page, errors } = await open(`${server.url}#/lineage`, { width: 1200, height: 600 });
    await page.locator(graphNode(PEOPLE)).waitFor();
    for (const id of [RAW, PEOPLE, 'model.astro.people_per_craft', 'model.astro.people_summary'])
      await expect(page.locator(graphNode(id)).count()).resolves.toBe(1);
    for (const [from, to] of [
      [RAW, PEOPLE],
      [PEOPLE, 'model.astro.people_per_craft'],
      [PEOPLE, 'model.astro.people_summary'],
    ] as const) {
      await expect(page.locator(edge(from, to)).count(), `${from} → ${to}`).resolves.toBe(1);
    }
    // Left to right: the source, then people, then the marts.
    const x = async (id: string) => (await page.locator(graphNode(id)).boundingBox())!.x;
    expect(await x(RAW)).toBeLessThan(await x(PEOPLE));
    expect(await x(PEOPLE)).toBeLessThan(await x('model.astro.people_per_craft'));
    // Labels fit their boxes (no ellipsis) at this size.
    for (const label of await page.locator('svg.lineage-svg g.node text').allTextContents()) expect(label).not.toContain('…');
    await expect(page.locator(graphNode(RAW)).textContent()).resolves.toContain('astro.raw_astros');
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(ARTIFACTS, 'docs-lineage.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens a node from the graph and shows its compiled SQL, source SQL and columns with types', async () => {
    const { page, errors } = await open(`${server.url}#/lineage`);
    await page.locator(graphNode(PEOPLE)).click();
    await page.waitForURL(/#\/node\/model\.astro\.people$/);
    const sql = page.locator('pre[data-testid="sql"]');
    await expect(sql.textContent()).resolves.toContain('JSONExtractString');
    await expect(sql.textContent()).resolves.toContain('`astro`.`raw_astros`');
    await expect(page.locator('h1').textContent()).resolves.toContain('people');
    await expect(page.locator('.description').textContent()).resolves.toContain('One row per person currently in space');
    await expect(page.locator('table.columns tbody tr').allTextContents()).resolves.toEqual([
      expect.stringMatching(/^craft.*String.*The spacecraft/),
      expect.stringMatching(/^name.*String/),
      expect.stringMatching(/^snapshot_at.*DateTime64/),
    ]);
    await expect(page.locator('.node-header .badge.status-success').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Source' }).click();
    await expect(sql.textContent()).resolves.toContain("{{ source('astro', 'raw_astros') }}");
    // The neighbourhood graph marks this node and shows its parents and children.
    await expect(page.locator('.lineage-mini g.node.focus').getAttribute('data-id')).resolves.toBe(PEOPLE);
    await expect(page.locator('.lineage-mini g.node').count()).resolves.toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: path.join(ARTIFACTS, 'docs-node-people.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('finds a node by name and narrows the lineage with the CLI selector syntax', async () => {
    const { page, errors } = await open(server.url);
    await page.getByRole('searchbox', { name: 'search' }).fill('per_cr');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/node\/model\.astro\.people_per_craft$/);
    await expect(page.locator('pre[data-testid="sql"]').textContent()).resolves.toContain('count()');

    await page.goto(`${server.url}#/lineage`);
    await page.locator('input[name="select"]').fill('+people_per_craft');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator(graphNode('model.astro.people_per_craft')).waitFor();
    const drawn = await page.locator('svg.lineage-svg g.node').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-id')).sort());
    expect(drawn).toEqual(['model.astro.people', 'model.astro.people_per_craft', RAW]);

    await page.locator('input[name="select"]').fill('nonsense:x');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page.locator('.selector-error').textContent()).resolves.toContain('nonsense');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works opened from disk (file://), and never asked for anything off this machine', async () => {
    const { page, errors } = await open(`file://${path.join(example.dir, 'target', 'index.html')}#/node/${PEOPLE}`);
    await expect(page.locator('pre[data-testid="sql"]').textContent()).resolves.toContain('JSONExtractString');
    await page.locator(graphNode(RAW)).waitFor();
    expect(errors).toEqual([]);
    await page.close();
    const offMachine = requested.filter((url) => !url.startsWith('file://') && !url.startsWith(server.url) && !url.startsWith('data:'));
    expect(offMachine).toEqual([]);
  });

  it('renders descriptions as Markdown and strips anything that could run', async () => {
    const dir = writeProject({
      'project.yml': projectYml('md'),
      'models/docs.md':
        '{% docs orders_doc %}\n## Orders\nOne row per **order**, see [the wiki](https://example.invalid/wiki).\n\n<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onerror="window.__pwned = 1"> <script>window.__pwned = 2</script>\n[click](javascript:window.__pwned=3)\n{% enddocs %}\n',
      'models/orders.sql': 'select 1 as id',
      'models/schema.yml':
        'version: 2\nmodels:\n  - name: orders\n    description: "{{ doc(\'orders_doc\') }}"\n    columns:\n      - name: id\n        description: The `id`, *unique*.\n',
    });
    try {
      const generated = await runCli(['docs', 'generate', '--empty-catalog'], { cwd: dir, env: { HOME: dir } });
      expect(generated.code, generated.stderr).toBe(0);
      const { page, errors } = await open(`file://${path.join(dir, 'target', 'index.html')}#/node/model.md.orders`);
      const description = page.locator('.description .markdown');
      await expect(description.locator('h2').textContent()).resolves.toBe('Orders');
      await expect(description.locator('strong').textContent()).resolves.toBe('order');
      await expect(description.locator('a[href="https://example.invalid/wiki"]').getAttribute('rel')).resolves.toBe('noopener noreferrer');
      const html = await description.innerHTML();
      expect(html).not.toMatch(/onerror|<script|javascript:/i);
      await expect(page.locator('table.columns em').textContent()).resolves.toBe('unique');
      expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      removeProject(dir);
    }
  });
});
