#!/usr/bin/env node
// Static checks of the deploy files (no cluster, no Docker engine here): every YAML parses, and
// the manifests agree with each other and with the code — entry points exist, probes hit the ops
// port's /healthz and /readyz, selectors select something, referenced ConfigMaps exist.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const problems = [];
const problem = (file, message) => problems.push(`${path.relative(root, file)}: ${message}`);

// No YAML parser of our own: use whichever the dev dependencies brought (eslint's js-yaml, or yaml).
function yamlParser() {
  try {
    const jsYaml = require('js-yaml');
    return (text) => jsYaml.loadAll(text);
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
  }
  const YAML = require('yaml');
  return (text) => YAML.parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(d.errors.map((e) => e.message).join('; '));
    return typeof d.toJS === 'function' ? d.toJS() : d.toJSON();
  });
}
const parseAll = yamlParser();

function load(file) {
  try {
    return parseAll(fs.readFileSync(file, 'utf8')).filter((d) => d !== null && d !== undefined);
  } catch (e) {
    problem(file, `does not parse: ${e.message}`);
    return [];
  }
}

function entryExists(file, entry) {
  if (!fs.existsSync(path.join(root, entry))) problem(file, `entry point ${entry} does not exist`);
}

// docker-compose.yml
const composeFile = path.join(root, 'docker-compose.yml');
const [compose] = load(composeFile);
if (compose) {
  const services = compose.services || {};
  for (const infra of ['kafka', 'nats', 'clickhouse']) {
    if (!services[infra]) problem(composeFile, `service ${infra} is missing`);
  }
  for (const [name, svc] of Object.entries(services)) {
    if (!svc.image || /:latest$|^[^:]+$/.test(svc.image)) problem(composeFile, `${name}: pin an image tag`);
    if (!svc.healthcheck) problem(composeFile, `${name}: no healthcheck`);
    if (svc.build) for (const arg of [].concat(svc.command || [])) if (arg.endsWith('.ts')) entryExists(composeFile, arg);
  }
  for (const app of ['collector', 'aggregator', 'scheduler', 'api']) {
    if (!services[app]) problem(composeFile, `service ${app} is missing`);
  }
}

// deploy/k8s
const k8sDir = path.join(root, 'deploy', 'k8s');
const docs = [];
for (const name of fs.readdirSync(k8sDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
  for (const doc of load(path.join(k8sDir, name))) docs.push({ file: path.join(k8sDir, name), doc });
}
const byKind = (kind) => docs.filter((d) => d.doc.kind === kind);
const matches = (selector, labels) => Object.entries(selector || {}).every(([k, v]) => labels[k] === v);

for (const { file, doc } of docs) {
  if (!doc.apiVersion || !doc.kind) problem(file, 'a document without apiVersion/kind');
  if (doc.kind === 'Kustomization') continue;
  if (!doc.metadata || !doc.metadata.name) problem(file, `${doc.kind} without metadata.name`);
  if (doc.kind !== 'Namespace' && doc.metadata && doc.metadata.namespace !== 'exgate') problem(file, `${doc.kind} ${doc.metadata.name} is not in namespace exgate`);
}

const configMaps = new Set(byKind('ConfigMap').map((d) => d.doc.metadata.name));
const podLabels = [];
for (const { file, doc } of byKind('Deployment')) {
  const name = doc.metadata.name;
  const template = doc.spec.template;
  if (!matches(doc.spec.selector.matchLabels, template.metadata.labels)) problem(file, `${name}: selector does not match its pod labels`);
  podLabels.push(template.metadata.labels);
  for (const c of template.spec.containers) {
    for (const arg of c.args || []) if (arg.endsWith('.ts')) entryExists(file, arg);
    const ports = new Map((c.ports || []).map((p) => [p.name, p.containerPort]));
    if (ports.get('ops') !== 9464) problem(file, `${name}: no ops port 9464`);
    const probe = (p, want) => {
      if (!p || !p.httpGet || p.httpGet.path !== want || p.httpGet.port !== 'ops') problem(file, `${name}: probe should GET ${want} on the ops port`);
    };
    probe(c.livenessProbe, '/healthz');
    probe(c.readinessProbe, '/readyz');
    for (const from of c.envFrom || []) {
      if (from.configMapRef && !configMaps.has(from.configMapRef.name)) problem(file, `${name}: ConfigMap ${from.configMapRef.name} is not defined`);
    }
    if (!c.resources || !c.resources.requests) problem(file, `${name}: no resource requests`);
  }
}
for (const kind of ['Service', 'PodDisruptionBudget']) {
  for (const { file, doc } of byKind(kind)) {
    const selector = kind === 'Service' ? doc.spec.selector : doc.spec.selector.matchLabels;
    if (!podLabels.some((labels) => matches(selector, labels))) problem(file, `${kind} ${doc.metadata.name} selects no pods`);
  }
}
const scheduler = byKind('Deployment').find((d) => d.doc.metadata.name === 'exgate-scheduler');
if (!scheduler || scheduler.doc.spec.replicas !== 2) problem(k8sDir, 'the scheduler should run 2 replicas (it elects a leader)');

const kustomization = byKind('Kustomization')[0];
if (kustomization) {
  const listed = new Set(kustomization.doc.resources);
  const present = fs.readdirSync(k8sDir).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
  for (const f of present) if (!listed.has(f)) problem(kustomization.file, `${f} is not listed in resources`);
  for (const f of listed) if (!present.includes(f)) problem(kustomization.file, `${f} is listed but missing`);
}

if (problems.length > 0) {
  console.error(`deploy files: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`deploy files: docker-compose.yml and ${docs.length} Kubernetes documents are consistent`);
