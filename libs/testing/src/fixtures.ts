import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repo root: libs/testing/src → ../../.. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** shared/ sits beside the checkout (CI clones main with shared/ next to it). */
export function sharedPath(...parts: string[]): string {
  const candidates = [path.resolve(repoRoot, '..', 'shared'), path.resolve(repoRoot, 'shared')];
  const root = candidates.find((c) => existsSync(c));
  if (!root) throw new Error(`shared/ not found beside ${repoRoot}: the real fixtures live there`);
  return path.join(root, ...parts);
}

export function fixturePath(...parts: string[]): string {
  return sharedPath('fixtures', ...parts);
}

/** Non-empty lines of a fixture file. */
export function fixtureLines(...parts: string[]): string[] {
  return readFileSync(fixturePath(...parts), 'utf8').split('\n').filter((l) => l.trim() !== '');
}
