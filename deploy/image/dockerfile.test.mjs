// node --test deploy/: the Dockerfile runner reads what Docker reads and refuses what it cannot do.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

const { build, ignoreRules, parseDockerfile } = createRequire(import.meta.url)('./dockerfile.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exgate-dockerfile-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function context(name, files) {
  const dir = path.join(tmp, name);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

test('joins continued lines and drops comments, as Docker does', () => {
  assert.deepEqual(parseDockerfile('# syntax=docker/dockerfile:1\nFROM node:20 AS a\nENV A=1 \\\n    # a comment inside\n    B=2\nRUN echo hi\n'), [
    { op: 'FROM', rest: 'node:20 AS a' },
    { op: 'ENV', rest: 'A=1 B=2' },
    { op: 'RUN', rest: 'echo hi' },
  ]);
});

test('.dockerignore: the last matching pattern wins, a folder takes its contents, ** spans folders', () => {
  const ignored = ignoreRules(context('ignore', { '.dockerignore': 'scripts\n!scripts/build.js\n**/*.spec.ts\n**/testing/\n.git\n' }));
  assert.equal(ignored('scripts/test.sh'), true);
  assert.equal(ignored('scripts/build.js'), false);
  assert.equal(ignored('libs/store/src/a.spec.ts'), true);
  assert.equal(ignored('libs/store/src/a.ts'), false);
  assert.equal(ignored('.git/HEAD'), true);
  assert.equal(ignored('libs/exchanges/src/testing/index.ts'), true);
  assert.equal(ignored('libs/exchanges/src/index.ts'), false);
});

test('builds the stages a target needs, with COPY --from, ENV in RUN and the .dockerignore applied', () => {
  const dir = context('ok', {
    '.dockerignore': 'src/secret.txt\n',
    'src/app.txt': 'app',
    'src/secret.txt': 'no',
    Dockerfile: [
      'FROM node:20-slim AS base', 'WORKDIR /app', 'ENV GREETING=hello',
      'FROM base AS build', 'COPY src ./src', 'RUN echo "$GREETING" > out.txt && ls src > listing.txt',
      'FROM base AS unused', 'RUN exit 1',
      'FROM base AS final', 'COPY --from=build /app/out.txt ./', 'CMD ["node", "x.js"]',
    ].join('\n'),
  });
  const out = path.join(tmp, 'ok-out');
  build(['--context', dir, '--target', 'final', '--out', out]);
  assert.equal(fs.readFileSync(path.join(out, 'final', 'app', 'out.txt'), 'utf8'), 'hello\n');
  assert.deepEqual(fs.readFileSync(path.join(out, 'build', 'app', 'listing.txt'), 'utf8').split('\n').filter(Boolean), ['app.txt']);
  assert.equal(fs.existsSync(path.join(out, 'unused')), false);
  const image = JSON.parse(fs.readFileSync(path.join(out, 'final.json'), 'utf8'));
  assert.deepEqual([image.cmd, image.env, image.workdir], [['node', 'x.js'], { GREETING: 'hello' }, path.join(out, 'final', 'app')]);
});

test('refuses what it cannot reproduce', () => {
  const refuse = (name, dockerfile, files = {}) => {
    const dir = context(name, { Dockerfile: dockerfile, ...files });
    return () => build(['--context', dir, '--target', 'a', '--out', path.join(tmp, `${name}-out`)]);
  };
  assert.throws(refuse('arg', 'FROM node:20 AS a\nARG X=1\n'), /ARG is not reproduced/);
  assert.throws(refuse('abs', 'FROM node:20 AS a\nRUN mkdir -p /data\n'), /absolute path/);
  assert.throws(refuse('base', 'FROM debian:12 AS a\n'), /only node:<major> images/);
  assert.throws(refuse('ignored', 'FROM node:20 AS a\nCOPY secret.txt ./\n', { '.dockerignore': 'secret.txt\n', 'secret.txt': 'x' }), /leaves it out of the context/);
});
