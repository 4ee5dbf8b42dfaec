// Validates rendered manifests against the Kubernetes API schemas: npm's kubernetes-models (the
// OpenAPI schemas of the Kubernetes API, compiled to validators) and, for the Prometheus
// Operator's ServiceMonitor and PrometheusRule, @kubernetes-models/prometheus-operator (generated
// from its CRDs' openAPIV3Schema).
//
// Those schemas let unknown fields through, as the OpenAPI documents do; the API server refuses
// them (kubectl's default --validate=strict). So the validator reads the object through proxies,
// and a field it never looked at is one the schema does not have: `replcas` is reported.
const PACKAGES = { 'monitoring.coreos.com': '@kubernetes-models/prometheus-operator' };

async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = PACKAGES[group] ?? 'kubernetes-models';
  const module = await import(`${pkg}/${group ? `${group}/` : ''}${version}`).catch(() => null);
  return module?.[kind] ?? null;
}

/** Wraps `value` so that every property read is noted; returns the proxy and the notes. */
function watched(value, path, notes) {
  if (value === null || typeof value !== 'object') return value;
  const read = new Set();
  if (!Array.isArray(value)) notes.push({ path, value, read });
  const children = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key !== 'string') return v;
      read.add(key);
      if (v === null || typeof v !== 'object') return v;
      if (!children.has(key)) children.set(key, watched(v, `${path}/${key}`, notes));
      return children.get(key);
    },
  });
}

/** Problems with one object: schema errors, then fields the schema does not know. */
export async function validateObject(doc) {
  if (!doc || typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string') return ['a document without apiVersion and kind'];
  const Model = await modelOf(doc.apiVersion, doc.kind);
  if (!Model) return [`no schema for ${doc.apiVersion} ${doc.kind}`];
  const notes = [];
  const copy = structuredClone(doc);
  try {
    // The model's validate() runs the compiled schema on `this`: give it the watched copy.
    Model.prototype.validate.call(watched(copy, '', notes));
  } catch (e) {
    return [String(e.message).replace(/\bdata\//g, '/')];
  }
  const unknown = [];
  for (const { path, value, read } of notes) {
    for (const key of Object.keys(value)) if (!read.has(key)) unknown.push(`${path}/${key}: unknown field`);
  }
  return unknown;
}
