// node --test deploy/: the renderer keeps kustomize's semantics for what it supports and refuses
// the rest; the schema check refuses what the API server would.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { render } from './render.mjs';
import { validateObject } from './schemas.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exgate-render-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function overlay(name, kustomization) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), `resources: [${path.join(here, 'base')}]\n${kustomization}`);
  return dir;
}
const find = (docs, kind, name) => docs.find((d) => d.kind === kind && d.metadata.name === name);

test('namespace renames the Namespace and moves every namespaced object; images, replicas and patches apply', () => {
  const docs = render(overlay('a', [
    'namespace: staging',
    'images: [{ name: exgate, newName: reg.local:5000/exgate, newTag: "9" }]',
    'replicas: [{ name: exgate-aggregator, count: 4 }]',
    'patches:',
    '  - target: { kind: Deployment, name: "exgate-(api|collector)" }',
    '    patch: "[{op: add, path: /metadata/annotations, value: {a: b}}]"',
  ].join('\n')));
  assert.ok(find(docs, 'Namespace', 'staging'));
  assert.deepEqual([...new Set(docs.filter((d) => d.kind !== 'Namespace').map((d) => d.metadata.namespace))], ['staging']);
  assert.equal(find(docs, 'Deployment', 'exgate-api').spec.template.spec.containers[0].image, 'reg.local:5000/exgate:9');
  assert.equal(find(docs, 'Deployment', 'exgate-aggregator').spec.replicas, 4);
  assert.deepEqual(docs.filter((d) => d.metadata.annotations?.a === 'b').map((d) => d.metadata.name), ['exgate-api', 'exgate-collector']);
  assert.deepEqual(docs.slice(0, 2).map((d) => d.kind), ['Namespace', 'ConfigMap']);
});

test('refuses what it does not implement, and patches that miss', () => {
  assert.throws(() => render(overlay('b', 'commonLabels: { a: b }\n')), /commonLabels is not supported/);
  assert.throws(() => render(overlay('c', 'patches: [{ target: { kind: Deployment }, patch: "spec: {replicas: 1}" }]\n')), /strategic-merge patch/);
  assert.throws(() => render(overlay('d', 'patches: [{ target: { kind: CronJob }, patch: "[{op: remove, path: /spec}]" }]\n')), /matches no resource/);
  assert.throws(() => render(overlay('e', 'patches: [{ target: { kind: Service, name: exgate-api }, patch: "[{op: replace, path: /spec/nope, value: 1}]" }]\n')), /no such path/);
  assert.throws(() => render(overlay('f', 'replicas: [{ name: exgate-nope, count: 1 }]\n')), /no workload named exgate-nope/);
});

test('the schemas refuse wrong types, missing fields and unknown fields', async () => {
  const docs = render(path.join(here, 'base'));
  const api = structuredClone(find(docs, 'Deployment', 'exgate-api'));
  assert.deepEqual(await validateObject(api), []);
  api.spec.template.spec.containers[0].ports[0].containerPort = '9464';
  assert.match((await validateObject(api))[0], /containerPort must be integer/);
  const hpa = structuredClone(find(docs, 'HorizontalPodAutoscaler', 'exgate-api'));
  delete hpa.spec.maxReplicas;
  assert.match((await validateObject(hpa))[0], /required property maxReplicas/);
  const monitor = structuredClone(find(docs, 'ServiceMonitor', 'exgate'));
  monitor.spec.endpoints[0].scrapeIntervall = '15s';
  assert.deepEqual(await validateObject(monitor), ['/spec/endpoints/0/scrapeIntervall: unknown field']);
  assert.deepEqual(await validateObject({ apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } }), ['no schema for v1 Widget']);
});
