#!/usr/bin/env node
// Builds one target of the Dockerfile into a folder, without a Docker engine, by carrying out the
// Dockerfile's own instructions: the stages the target needs, in order, each in a folder that
// stands for its root filesystem. The build context is the folder given, less .dockerignore.
//
//   node deploy/image/dockerfile.js --context DIR --target NAME[,NAME…] --out DIR
//
// Writes OUT/<stage>/ for every stage run (once, however many targets need it) and
// OUT/<target>.json: the target's root, working directory, environment, entrypoint, command and
// health check, for the caller to start.
//
// What it cannot reproduce, it says: a base image is this machine's own toolchain (node:20-slim
// is the node on PATH, checked for the same major version), and ownership (USER, --chown) is not
// applied. RUN commands run with the stage's working directory as their directory, so they must
// use relative paths (an absolute path in a RUN is refused). Unknown instructions are refused.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error('usage: dockerfile.js --context DIR --target NAME[,NAME…] --out DIR [--file Dockerfile]');
    args[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ['context', 'target', 'out']) if (!args[k]) throw new Error(`--${k} is required`);
  return args;
}

/** Instructions, with continuation lines joined and comments dropped. */
function parseDockerfile(text) {
  const out = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trimEnd()} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const m = /^(\S+)\s+([\s\S]*)$/.exec(full);
    if (!m) throw new Error(`cannot read instruction: ${full}`);
    out.push({ op: m[1].toUpperCase(), rest: m[2].trim() });
  }
  return out;
}

/** Flags (`--from=x`) off the front, then the arguments. */
function splitFlags(rest) {
  const flags = {};
  const words = rest.split(/\s+/);
  while (words[0] && words[0].startsWith('--')) {
    const [k, v] = words.shift().slice(2).split('=');
    flags[k] = v ?? true;
  }
  return { flags, words };
}

function execForm(rest) {
  if (!rest.startsWith('[')) throw new Error(`use the JSON form: ${rest}`);
  return JSON.parse(rest);
}

function parseEnv(rest) {
  const env = {};
  for (const m of rest.matchAll(/(\w+)=("([^"]*)"|\S*)/g)) env[m[1]] = m[3] ?? m[2];
  if (Object.keys(env).length === 0) throw new Error(`ENV takes KEY=value pairs: ${rest}`);
  return env;
}

/** .dockerignore: the last pattern that matches a path or one of its parents decides. */
function ignoreRules(context) {
  const file = path.join(context, '.dockerignore');
  if (!fs.existsSync(file)) return () => false;
  const rules = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => {
    const negate = l.startsWith('!');
    // Docker cleans each pattern (filepath.Clean): no leading or trailing slash.
    const pattern = path.posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, '')).replace(/\/+$/, '');
    let re = '';
    for (let i = 0; i < pattern.length; i += 1) {
      const c = pattern[i];
      if (c === '*' && pattern[i + 1] === '*') {
        re += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += pattern[i + 2] === '/' ? 2 : 1;
      } else if (c === '*') re += '[^/]*';
      else if (c === '?') re += '[^/]';
      else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return { negate, re: new RegExp(`^${re}$`) };
  });
  return (rel) => {
    const parts = rel.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const rule of rules) if (candidates.some((c) => rule.re.test(c))) ignored = !rule.negate;
    return ignored;
  };
}

function copyTree(from, to, skip) {
  const stat = fs.statSync(from);
  if (stat.isDirectory()) {
    fs.mkdirSync(to, { recursive: true });
    for (const name of fs.readdirSync(from)) {
      if (skip && skip(path.join(from, name))) continue;
      copyTree(path.join(from, name), path.join(to, name), skip);
    }
  } else {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
    fs.chmodSync(to, stat.mode);
  }
}

/** Copies a whole stage folder: hard links where possible (node_modules of 0.5 GB), read-only use. */
function cloneFolder(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const r = spawnSync('cp', ['-al', from, to], { stdio: 'inherit' });
  if (r.status !== 0) copyTree(from, to);
}

function main(argv) {
  const args = parseArgs(argv);
  const context = path.resolve(args.context);
  const out = path.resolve(args.out);
  const instructions = parseDockerfile(fs.readFileSync(path.join(context, args.file || 'Dockerfile'), 'utf8'));
  const isIgnored = ignoreRules(context);

  // Stages and what each needs (its FROM stage, its COPY --from stages).
  const stages = [];
  for (const ins of instructions) {
    if (ins.op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.rest);
      if (!m) throw new Error(`FROM ${ins.rest}`);
      stages.push({ name: m[2] || `stage${stages.length}`, from: m[1], body: [], needs: new Set() });
    } else {
      const stage = stages[stages.length - 1];
      if (!stage) throw new Error(`${ins.op} before FROM`);
      stage.body.push(ins);
    }
  }
  const byName = new Map(stages.map((s) => [s.name, s]));
  for (const s of stages) {
    if (byName.has(s.from)) s.needs.add(s.from);
    for (const ins of s.body) if (ins.op === 'COPY' && splitFlags(ins.rest).flags.from) s.needs.add(splitFlags(ins.rest).flags.from);
  }
  const targets = args.target.split(',');
  for (const t of targets) if (!byName.has(t)) throw new Error(`no stage ${t}; stages: ${stages.map((s) => s.name).join(', ')}`);
  const wanted = new Set();
  const want = (name) => {
    if (wanted.has(name)) return;
    const s = byName.get(name);
    if (!s) throw new Error(`unknown stage ${name}`);
    wanted.add(name);
    for (const n of s.needs) want(n);
  };
  targets.forEach(want);

  const done = new Map();
  for (const stage of stages.filter((s) => wanted.has(s.name))) {
    const root = path.join(out, stage.name);
    fs.rmSync(root, { recursive: true, force: true });
    let state;
    if (done.has(stage.from)) {
      const parent = done.get(stage.from);
      cloneFolder(parent.root, root);
      state = { ...parent, env: { ...parent.env }, root };
    } else {
      fs.mkdirSync(root, { recursive: true });
      const node = /^node:(\d+)/.exec(stage.from);
      if (!node) throw new Error(`base image ${stage.from}: only node:<major> images stand for this machine's node`);
      if (process.versions.node.split('.')[0] !== node[1]) throw new Error(`${stage.from} needs node ${node[1]}; this machine has ${process.version}`);
      console.log(`[${stage.name}] FROM ${stage.from}: this machine's node ${process.version}`);
      state = { root, workdir: '/', env: {}, user: 'root', entrypoint: [], cmd: [], healthcheck: null, exposed: [] };
    }
    const inRoot = (p) => path.join(root, path.posix.isAbsolute(p) ? p : path.posix.join(state.workdir, p));
    for (const ins of stage.body) {
      console.log(`[${stage.name}] ${ins.op} ${ins.rest.length > 110 ? `${ins.rest.slice(0, 110)}…` : ins.rest}`);
      switch (ins.op) {
        case 'WORKDIR':
          state.workdir = path.posix.resolve(state.workdir, ins.rest);
          fs.mkdirSync(inRoot('.'), { recursive: true });
          break;
        case 'ENV':
          Object.assign(state.env, parseEnv(ins.rest));
          break;
        case 'COPY': {
          const { flags, words } = splitFlags(ins.rest);
          const dest = words.pop();
          if (flags.chown) console.log(`[${stage.name}]   ownership ${flags.chown} is not applied here`);
          for (const src of words) {
            let from;
            let skip = null;
            if (flags.from) {
              const source = done.get(flags.from);
              from = path.join(source.root, path.posix.isAbsolute(src) ? src : path.posix.join(source.workdir, src));
            } else {
              from = path.join(context, src);
              if (isIgnored(path.posix.normalize(src))) throw new Error(`COPY ${src}: .dockerignore leaves it out of the context`);
              skip = (p) => isIgnored(path.relative(context, p).split(path.sep).join('/'));
            }
            if (!fs.existsSync(from)) throw new Error(`COPY ${src}: not found`);
            const target = dest.endsWith('/') && !fs.statSync(from).isDirectory() ? path.join(inRoot(dest), path.basename(from)) : inRoot(dest);
            copyTree(from, target, skip);
          }
          break;
        }
        case 'RUN': {
          if (/(^|[\s=])\/(?!dev\/null)/.test(ins.rest)) throw new Error(`RUN with an absolute path cannot be reproduced here: ${ins.rest}`);
          const r = spawnSync('/bin/sh', ['-c', ins.rest], { cwd: inRoot('.'), env: { ...process.env, ...state.env }, stdio: 'inherit' });
          if (r.status !== 0) throw new Error(`RUN failed (exit ${r.status}): ${ins.rest}`);
          break;
        }
        case 'USER':
          state.user = ins.rest;
          break;
        case 'EXPOSE':
          state.exposed.push(...ins.rest.split(/\s+/));
          break;
        case 'VOLUME':
          break; // a mount point: the caller gives the process a folder through the environment
        case 'HEALTHCHECK':
          state.healthcheck = execForm(ins.rest.replace(/^.*?\bCMD\s+/, ''));
          break;
        case 'ENTRYPOINT':
          state.entrypoint = execForm(ins.rest);
          break;
        case 'CMD':
          state.cmd = execForm(ins.rest);
          break;
        default:
          throw new Error(`${ins.op} is not reproduced by this script`);
      }
    }
    done.set(stage.name, state);
  }
  for (const target of targets) {
    const image = done.get(target);
    const description = { target, ...image, workdir: path.join(image.root, image.workdir) };
    fs.writeFileSync(path.join(out, `${target}.json`), `${JSON.stringify(description, null, 2)}\n`);
    console.log(`[${target}] built in ${image.root}`);
  }
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`dockerfile.js: ${e.message}`);
    process.exit(1);
  }
}

module.exports = { build: main, ignoreRules, parseDockerfile };
