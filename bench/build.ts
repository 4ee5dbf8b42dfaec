import { spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..');

/**
 * `npm run build`: the services' compiled entry points in dist/, as the image's build stage makes
 * them. The benchmarks that start services as processes run these, as the image does (ADR 0019,
 * tenth pass); `--tsx` runs the TypeScript through tsx instead.
 */
export function buildServices(): void {
  const started = Date.now();
  const done = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.js')], { cwd: REPO, encoding: 'utf8' });
  if (done.status !== 0) throw new Error(`npm run build failed:\n${done.stdout}${done.stderr}`);
  console.log(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s (npm run build)`);
}
