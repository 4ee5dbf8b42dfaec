#!/usr/bin/env node
// Renders a kustomization without kustomize or kubectl: the part of kustomize these overlays use,
// with kustomize's semantics, and a refusal for anything else. CI renders the overlays with it and
// compares the result with `kubectl kustomize` wherever kubectl is installed (deploy/validate.mjs);
// why not a kustomize binary: docs/adr/0013-image-and-deployment.md.
//
//   node deploy/k8s/render.mjs deploy/k8s/overlays/prod > prod.yaml
//
// Fields: resources (files and folders holding a kustomization.yaml), namespace, images
// (newName, newTag, digest), replicas, and patches given inline as JSON 6902 operations with a
// target by kind, name (a regular expression, as in kustomize), group and version. Transformers
// run in kustomize's order: patches, namespace, replicas, images.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'replicas', 'patches']);

/** Kinds without a namespace (the ones a namespace transformer leaves alone, Namespace aside). */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume',
  'StorageClass', 'PriorityClass', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'APIService', 'IngressClass', 'RuntimeClass', 'Node',
]);

/** kustomize's legacy output order: these kinds first, in this order; the rest by kind, then name. */
const ORDER_FIRST = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount',
  'PodSecurityPolicy', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap',
  'Secret', 'Endpoints', 'Service', 'LimitRange', 'PriorityClass', 'PersistentVolume',
  'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob', 'PodDisruptionBudget',
];
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

class RenderError extends Error {}

function readDocs(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new RenderError(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS();
  }).filter((d) => d !== null && d !== undefined);
}

// JSON pointer (RFC 6901) and patch (RFC 6902) operations: add, remove, replace, test.
function pointer(p) {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new RenderError(`a JSON pointer starts with /: ${p}`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyOperation(doc, op, where) {
  const parts = pointer(op.path);
  const last = parts.pop();
  let parent = doc;
  for (const key of parts) {
    parent = Array.isArray(parent) ? parent[Number(key)] : parent?.[key];
    if (parent === undefined || parent === null || typeof parent !== 'object') throw new RenderError(`${where}: ${op.op} ${op.path}: no such path`);
  }
  const isArray = Array.isArray(parent);
  const index = isArray ? (last === '-' ? parent.length : Number(last)) : null;
  const exists = isArray ? index < parent.length : Object.prototype.hasOwnProperty.call(parent, last);
  switch (op.op) {
    case 'add':
      if (isArray) parent.splice(index, 0, structuredClone(op.value));
      else parent[last] = structuredClone(op.value);
      break;
    case 'replace':
    case 'remove':
    case 'test':
      if (!exists) throw new RenderError(`${where}: ${op.op} ${op.path}: no such path`);
      if (op.op === 'test') {
        if (JSON.stringify(isArray ? parent[index] : parent[last]) !== JSON.stringify(op.value)) throw new RenderError(`${where}: test ${op.path} failed`);
      } else if (op.op === 'remove') {
        if (isArray) parent.splice(index, 1);
        else delete parent[last];
      } else if (isArray) parent[index] = structuredClone(op.value);
      else parent[last] = structuredClone(op.value);
      break;
    default:
      throw new RenderError(`${where}: JSON patch operation ${op.op} is not supported here`);
  }
}

function matchesTarget(doc, target) {
  for (const key of Object.keys(target)) {
    if (!['kind', 'name', 'group', 'version'].includes(key)) throw new RenderError(`patch target field ${key} is not supported here`);
  }
  const [group, version] = doc.apiVersion.includes('/') ? doc.apiVersion.split('/') : ['', doc.apiVersion];
  if (target.kind !== undefined && target.kind !== doc.kind) return false;
  if (target.group !== undefined && target.group !== group) return false;
  if (target.version !== undefined && target.version !== version) return false;
  if (target.name !== undefined && !new RegExp(`^(?:${target.name})$`).test(doc.metadata?.name ?? '')) return false;
  return true;
}

function applyPatches(docs, patches, where) {
  for (const [i, p] of (patches || []).entries()) {
    if (p.path !== undefined || typeof p.patch !== 'string' || !p.target) throw new RenderError(`${where}: patches[${i}] must be an inline JSON 6902 patch with a target`);
    const operations = YAML.parse(p.patch);
    if (!Array.isArray(operations)) throw new RenderError(`${where}: patches[${i}] is a strategic-merge patch; only JSON 6902 operations are supported here`);
    const targets = docs.filter((d) => matchesTarget(d, p.target));
    if (targets.length === 0) throw new RenderError(`${where}: patches[${i}] matches no resource (${JSON.stringify(p.target)})`);
    for (const doc of targets) for (const op of operations) applyOperation(doc, op, `${where}: patches[${i}] on ${doc.kind} ${doc.metadata.name}`);
  }
}

function setNamespace(docs, namespace) {
  for (const doc of docs) {
    if (doc.kind === 'Namespace') doc.metadata.name = namespace;
    else if (!CLUSTER_SCOPED.has(doc.kind)) doc.metadata.namespace = namespace;
  }
}

function setReplicas(docs, replicas, where) {
  for (const r of replicas || []) {
    const targets = docs.filter((d) => WORKLOADS.has(d.kind) && d.metadata.name === r.name);
    if (targets.length === 0) throw new RenderError(`${where}: replicas: no workload named ${r.name}`);
    for (const d of targets) d.spec.replicas = r.count;
  }
}

function podSpecs(doc) {
  const spec = doc.spec || {};
  return [spec.template?.spec, spec.jobTemplate?.spec?.template?.spec, doc.kind === 'Pod' ? spec : undefined].filter(Boolean);
}

/** `name[:tag][@digest]` split as kustomize does (a registry port is not a tag). */
function splitImage(image) {
  const [rest, digest] = image.split('@');
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  return colon > slash ? { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest } : { name: rest, tag: undefined, digest };
}

function setImages(docs, images) {
  for (const doc of docs) {
    for (const pod of podSpecs(doc)) {
      for (const c of [...(pod.containers || []), ...(pod.initContainers || [])]) {
        const current = splitImage(c.image);
        const rule = (images || []).find((i) => i.name === current.name);
        if (!rule) continue;
        const name = rule.newName ?? current.name;
        if (rule.digest) c.image = `${name}@${rule.digest}`;
        else if (rule.newTag) c.image = `${name}:${rule.newTag}`;
        else c.image = `${name}${current.tag ? `:${current.tag}` : ''}${current.digest ? `@${current.digest}` : ''}`;
      }
    }
  }
}

function sortLikeKustomize(docs) {
  const rank = (kind) => {
    const first = ORDER_FIRST.indexOf(kind);
    if (first >= 0) return first;
    const last = ORDER_LAST.indexOf(kind);
    return last >= 0 ? ORDER_FIRST.length + 1 + last : ORDER_FIRST.length;
  };
  return [...docs].sort((a, b) => rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind) || (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
}

/** The objects a kustomization folder renders to. */
export function render(dir) {
  const file = path.join(dir, 'kustomization.yaml');
  if (!fs.existsSync(file)) throw new RenderError(`${dir}: no kustomization.yaml`);
  const [k] = readDocs(file);
  for (const key of Object.keys(k)) if (!SUPPORTED.has(key)) throw new RenderError(`${file}: ${key} is not supported by this renderer (use kustomize, or extend deploy/k8s/render.mjs)`);
  const docs = [];
  for (const resource of k.resources || []) {
    const p = path.resolve(dir, resource);
    if (!fs.existsSync(p)) throw new RenderError(`${file}: resource ${resource} does not exist`);
    docs.push(...(fs.statSync(p).isDirectory() ? render(p) : readDocs(p)));
  }
  const seen = new Set();
  for (const d of docs) {
    const id = `${d.kind}/${d.metadata?.namespace ?? ''}/${d.metadata?.name}`;
    if (seen.has(id)) throw new RenderError(`${file}: ${id} is defined twice`);
    seen.add(id);
  }
  applyPatches(docs, k.patches, file);
  if (k.namespace) setNamespace(docs, k.namespace);
  setReplicas(docs, k.replicas, file);
  setImages(docs, k.images);
  return sortLikeKustomize(docs);
}

export function toYaml(docs) {
  return docs.map((d) => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node deploy/k8s/render.mjs KUSTOMIZATION_DIR');
    process.exit(2);
  }
  try {
    process.stdout.write(toYaml(render(path.resolve(dir))));
  } catch (e) {
    if (!(e instanceof RenderError)) throw e;
    console.error(`render: ${e.message}`);
    process.exit(1);
  }
}
