#!/usr/bin/env node
// Static checks of the deploy files (no cluster, no Docker engine here):
// - docker-compose.yml and the Dockerfile agree with each other and with the build: targets
//   exist, commands are compiled entry points, images pinned, health checks everywhere;
// - each kustomization (deploy/k8s/base, overlays/dev, overlays/prod) renders (deploy/k8s/render.mjs),
//   the same as `kubectl kustomize` where kubectl is installed, and every object validates against
//   the Kubernetes API schemas with unknown fields refused (deploy/k8s/schemas.mjs);
// - the manifests agree with each other and with the code: probes on the ops port, selectors
//   that select, ConfigMaps that exist, the HPA owning the API's replicas, the ServiceMonitor
//   reaching every pod's ops port;
// - the dashboard and alert rules name only exported metrics (deploy/monitoring/check.mjs).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import ts from 'typescript';
import YAML from 'yaml';
import { checkMonitoring, files as monitoringFiles } from './monitoring/check.mjs';
import { render } from './k8s/render.mjs';
import { validateObject } from './k8s/schemas.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];
const problem = (where, message) => problems.push(`${where}: ${message}`);

// The compiled entry points: tsconfig.build.json's files, as the image holds them.
const buildConfigFile = path.join(root, 'tsconfig.build.json');
const buildConfig = ts.parseConfigFileTextToJson(buildConfigFile, fs.readFileSync(buildConfigFile, 'utf8')).config;
const entryPoints = new Set(buildConfig.files.map((f) => `dist/${f.replace(/\.ts$/, '.js')}`));
const isEntryPoint = (where, arg) => {
  if (!entryPoints.has(arg)) problem(where, `${arg} is not a compiled entry point (tsconfig.build.json files: ${[...entryPoints].join(', ')})`);
};

// Dockerfile: its stages, and the command of each target.
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const stages = new Map();
let stage = null;
for (const line of dockerfile.split('\n')) {
  const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
  if (from) stages.set((stage = from[1]), {});
  const cmd = /^CMD\s+(\[.*\])/.exec(line);
  if (cmd && stage) stages.get(stage).cmd = JSON.parse(cmd[1]);
}
for (const target of ['distributed', 'embedded']) {
  if (!stages.get(target)?.cmd) problem('Dockerfile', `target ${target} with a CMD is missing`);
  else isEntryPoint(`Dockerfile ${target}`, stages.get(target).cmd[0]);
}

// docker-compose.yml
const compose = YAML.parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }); // <<: anchors, as Compose reads them
const services = compose?.services ?? {};
for (const infra of ['kafka', 'nats', 'clickhouse']) if (!services[infra]) problem('docker-compose.yml', `service ${infra} is missing`);
for (const app of ['collector', 'aggregator', 'scheduler', 'api']) {
  if (services[app]?.build?.target !== 'distributed') problem('docker-compose.yml', `${app} should build the distributed target`);
}
if (services.exgate?.build?.target !== 'embedded') problem('docker-compose.yml', 'exgate (profile embedded) should build the embedded target');
for (const [name, svc] of Object.entries(services)) {
  if (!svc.image || /:latest$|^[^:]+$/.test(svc.image)) problem('docker-compose.yml', `${name}: pin an image tag`);
  if (!svc.healthcheck) problem('docker-compose.yml', `${name}: no healthcheck`);
  if (svc.build && !stages.has(svc.build.target)) problem('docker-compose.yml', `${name}: no Dockerfile stage ${svc.build.target}`);
  if (svc.build && svc.command) isEntryPoint(`docker-compose.yml ${name}`, svc.command[0]);
}

// Kubernetes
const matches = (selector, labels) => Object.entries(selector || {}).every(([k, v]) => labels?.[k] === v);
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

async function checkKustomization(dir, expect) {
  const where = path.relative(root, dir);
  let docs;
  try {
    docs = render(dir);
  } catch (e) {
    problem(where, `does not render: ${e.message}`);
    return 0;
  }
  if (kubectl) {
    const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const theirs = r.status === 0 ? YAML.parseAllDocuments(r.stdout).map((d) => d.toJS()) : null;
    if (!theirs) problem(where, `kubectl kustomize failed: ${r.stderr.trim()}`);
    else if (!isDeepStrictEqual(docs, theirs)) problem(where, 'deploy/k8s/render.mjs and kubectl kustomize render it differently');
  }
  for (const doc of docs) {
    for (const p of await validateObject(doc)) problem(where, `${doc.kind} ${doc.metadata?.name}: ${p}`);
  }
  const of = (kind) => docs.filter((d) => d.kind === kind);
  const named = (kind, name) => of(kind).find((d) => d.metadata.name === name);

  for (const d of docs) if (d.kind !== 'Namespace' && d.metadata.namespace !== expect.namespace) problem(where, `${d.kind} ${d.metadata.name} is not in namespace ${expect.namespace}`);
  if (!named('Namespace', expect.namespace)) problem(where, `no Namespace ${expect.namespace}`);

  const configMaps = new Set(of('ConfigMap').map((d) => d.metadata.name));
  const pods = [];
  for (const d of of('Deployment')) {
    const name = d.metadata.name;
    const template = d.spec.template;
    if (!matches(d.spec.selector.matchLabels, template.metadata.labels)) problem(where, `${name}: selector does not match its pod labels`);
    pods.push({ name, labels: template.metadata.labels, containers: template.spec.containers });
    for (const c of template.spec.containers) {
      for (const arg of c.args || []) if (arg.startsWith('dist/')) isEntryPoint(`${where} ${name}`, arg);
      if (!/[:@]/.test(c.image.split('/').pop())) problem(where, `${name}: image ${c.image} has no tag`);
      const ports = new Map((c.ports || []).map((p) => [p.name, p.containerPort]));
      if (ports.get('ops') !== 9464) problem(where, `${name}: no ops port 9464`);
      const probe = (p, want) => {
        if (!p || !p.httpGet || p.httpGet.path !== want || p.httpGet.port !== 'ops') problem(where, `${name}: probe should GET ${want} on the ops port`);
      };
      probe(c.livenessProbe, '/healthz');
      probe(c.readinessProbe, '/readyz');
      for (const from of c.envFrom || []) {
        if (from.configMapRef && !configMaps.has(from.configMapRef.name)) problem(where, `${name}: ConfigMap ${from.configMapRef.name} is not defined`);
      }
      if (!c.resources?.requests?.cpu) problem(where, `${name}: no CPU request (the HPA and the scheduler need one)`);
    }
  }
  const selects = (selector) => pods.filter((p) => matches(selector, p.labels));
  for (const s of of('Service')) if (selects(s.spec.selector).length === 0) problem(where, `Service ${s.metadata.name} selects no pods`);
  for (const b of of('PodDisruptionBudget')) if (selects(b.spec.selector.matchLabels).length === 0) problem(where, `PodDisruptionBudget ${b.metadata.name} selects no pods`);

  for (const h of of('HorizontalPodAutoscaler')) {
    const target = named(h.spec.scaleTargetRef.kind, h.spec.scaleTargetRef.name);
    if (!target) problem(where, `HPA ${h.metadata.name}: no ${h.spec.scaleTargetRef.kind} ${h.spec.scaleTargetRef.name}`);
    else if (target.spec.replicas !== undefined) problem(where, `HPA ${h.metadata.name}: ${target.metadata.name} sets spec.replicas, which every apply would reset under the HPA`);
    if (h.spec.minReplicas > h.spec.maxReplicas) problem(where, `HPA ${h.metadata.name}: minReplicas above maxReplicas`);
  }
  if (!named('HorizontalPodAutoscaler', 'exgate-api')) problem(where, 'no HorizontalPodAutoscaler for exgate-api');

  const monitors = of('ServiceMonitor');
  if (monitors.length === 0) problem(where, 'no ServiceMonitor');
  for (const m of monitors) {
    const svc = of('Service').filter((s) => matches(m.spec.selector.matchLabels, s.metadata.labels));
    if (svc.length === 0) problem(where, `ServiceMonitor ${m.metadata.name} selects no Service`);
    for (const e of m.spec.endpoints) {
      const serving = svc.filter((s) => s.spec.ports.some((p) => p.name === e.port));
      if (serving.length === 0) problem(where, `ServiceMonitor ${m.metadata.name}: no selected Service has a port named ${e.port}`);
      const scraped = new Set(serving.flatMap((s) => selects(s.spec.selector).map((p) => p.name)));
      for (const p of pods) if (!scraped.has(p.name)) problem(where, `ServiceMonitor ${m.metadata.name} does not scrape ${p.name}`);
    }
  }
  if (!named('PrometheusRule', 'exgate')) problem(where, 'no PrometheusRule exgate');
  const scheduler = named('Deployment', 'exgate-scheduler');
  if (scheduler?.spec.replicas !== expect.schedulers) problem(where, `the scheduler should run ${expect.schedulers} replica(s)`);
  return docs.length;
}

const k8s = path.join(root, 'deploy', 'k8s');
let rendered = 0;
rendered += await checkKustomization(path.join(k8s, 'base'), { namespace: 'exgate', schedulers: 2 });
rendered += await checkKustomization(path.join(k8s, 'overlays', 'dev'), { namespace: 'exgate-dev', schedulers: 1 });
rendered += await checkKustomization(path.join(k8s, 'overlays', 'prod'), { namespace: 'exgate', schedulers: 2 });

const monitoring = checkMonitoring({
  rules: YAML.parse(fs.readFileSync(monitoringFiles.rules, 'utf8')),
  dashboard: JSON.parse(fs.readFileSync(monitoringFiles.dashboard, 'utf8')),
  prometheusRule: YAML.parse(fs.readFileSync(monitoringFiles.prometheusRule, 'utf8')),
});
for (const p of monitoring.problems) problem('deploy/monitoring', p);

if (problems.length > 0) {
  console.error(`deploy files: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`deploy files: docker-compose.yml and the Dockerfile agree; ${rendered} Kubernetes objects in 3 kustomizations ` +
  `valid against the API schemas${kubectl ? ' and rendered as kubectl kustomize does' : ' (kubectl absent: not compared with kustomize)'}; ` +
  `${monitoring.expressions} dashboard and rule expressions name exported metrics`);
