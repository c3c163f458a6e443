import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, writeProject } from '../support/cli.js';

/** test/fixtures/shop: a dbt-style project (dbt_project.yml, 3 seeds, staging views, marts, 22 data tests). */
export const SHOP_FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'shop');

/** A fresh copy of the shop fixture in a temp folder (its own chDB data folder, its own target/). */
export function copyShop(): string {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(SHOP_FIXTURE, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(SHOP_FIXTURE);
  return writeProject(files, 'tsdbt-shop-');
}

/** The broken row: order 7 loses its customer (an empty cell makes the seed column Nullable). */
export function breakOrderSeven(dir: string): void {
  const file = path.join(dir, 'seeds', 'raw_orders.csv');
  const text = readFileSync(file, 'utf8');
  const broken = text.replace('\n7,2,2024-02-14,return_pending\n', '\n7,,2024-02-14,return_pending\n');
  if (broken === text) throw new Error('raw_orders.csv no longer has the row this test breaks');
  writeFileSync(file, broken);
}

/** Every test named in a `N of M <STATUS> name` progress line, with its status and count. */
export function testLines(stderr: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of stderr.matchAll(/\d+ of \d+ (PASS|FAIL \d+|WARN \d+|ERROR|SKIP test) (\S+) \.+/g)) out.set(match[2]!, match[1]!);
  return out;
}
