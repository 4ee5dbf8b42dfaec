import { spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..');

/**
 * How the benchmarks that start services as processes run them: compiled by `npm run build`, as
 * the image does (ADR 0019, tenth pass), unless `--tsx` asks for the TypeScript through tsx.
 */
export const servicesCompiled = (): boolean => !process.argv.includes('--tsx');

/** Builds dist/ when the services run compiled (`npm run build`, as the image's build stage), and says which way they run. */
export function prepareServices(compiled: boolean): void {
  if (compiled) {
    const started = Date.now();
    const done = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.js')], { cwd: REPO, encoding: 'utf8' });
    if (done.status !== 0) throw new Error(`npm run build failed:\n${done.stdout}${done.stderr}`);
    console.log(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s (npm run build)`);
  }
  console.log(compiled ? 'services: compiled (dist/, as the image runs them)' : 'services: TypeScript through tsx (--tsx)');
}
