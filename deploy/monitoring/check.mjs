#!/usr/bin/env node
// The dashboard and the alert rules may only name metrics the code exports, so they cannot drift
// from it. Exported = every `metrics.counter|gauge|histogram('name', …)` in libs/ and services/
// (specs aside); a call whose name is not a string literal is itself a problem, since then no one
// can tell what it exports. Referenced = every metric selector in the rules' expressions and the
// dashboard's queries, read with Prometheus's own PromQL grammar (@prometheus-io/lezer-promql).
// Also: the PrometheusRule in deploy/k8s/base carries exactly alerts.yaml's groups.
//
//   node deploy/monitoring/check.mjs           check (exit 1 with the problems)
//   node deploy/monitoring/check.mjs --write   regenerate deploy/k8s/base/prometheusrule.yaml
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parser } from '@prometheus-io/lezer-promql';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');

/** Prometheus's own series, always there. */
const BUILTIN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
const HISTOGRAM_SERIES = ['_bucket', '_sum', '_count'];

function sourceFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'testing' ? [] : sourceFiles(p);
    return /\.ts$/.test(e.name) && !/\.(spec|test|testing|bench)\.ts$/.test(e.name) ? [p] : [];
  });
}

/** name → kind of every metric the code registers, and the calls it cannot read. */
export function exportedMetrics(root = repoRoot) {
  const metrics = new Map();
  const problems = [];
  for (const file of ['libs', 'services'].flatMap((d) => sourceFiles(path.join(root, d)))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\.(counter|gauge|histogram)\(\s*([^,)]*)/g)) {
      const literal = /^(['"`])(\w+)\1$/.exec(m[2].trim());
      const line = text.slice(0, m.index).split('\n').length;
      if (!literal) {
        problems.push(`${path.relative(root, file)}:${line}: metric name ${m[2].trim() || '(none)'} is not a string literal`);
        continue;
      }
      metrics.set(literal[2], m[1]);
    }
  }
  return { metrics, problems };
}

/**
 * The metric names an expression selects. Grafana's variables are not PromQL: `$__rate_interval`
 * stands for a range, `$var` for a value (only inside quoted matchers here).
 */
export function referencedMetrics(expr) {
  const promql = expr.replace(/\$__\w+/g, '5m').replace(/\$\{?\w+\}?/g, 'x');
  const tree = parser.parse(promql);
  const names = [];
  let error = null;
  tree.iterate({
    enter(node) {
      if (node.type.isError && error === null) error = node.from;
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (!id) names.push(null);
        else names.push(promql.slice(id.from, id.to));
      }
    },
  });
  if (error !== null) throw new Error(`does not parse as PromQL (at ${error}): ${expr}`);
  if (names.includes(null)) throw new Error(`selects a metric without naming it: ${expr}`);
  return names;
}

/** Problems with one referenced name against the exported ones. */
function unknownMetric(name, exported) {
  if (BUILTIN.has(name) || exported.has(name)) return null;
  const suffix = HISTOGRAM_SERIES.find((s) => name.endsWith(s));
  if (suffix && exported.get(name.slice(0, -suffix.length)) === 'histogram') return null;
  return `${name} is not a metric the code exports`;
}

/** Every expression in the dashboard: panel targets and the template variables' queries. */
export function dashboardExpressions(dashboard) {
  const out = [];
  const panels = (dashboard.panels || []).flatMap((p) => [p, ...(p.panels || [])]);
  for (const p of panels) for (const t of p.targets || []) out.push({ where: `panel "${p.title}"`, expr: t.expr });
  for (const v of dashboard.templating?.list || []) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    const m = /^label_values\((.*),\s*\w+\)$/.exec(q || '');
    out.push({ where: `variable $${v.name}`, expr: m ? m[1] : q });
  }
  return out;
}

/** Shape checks Grafana itself would not make on import: they keep the file usable. */
function dashboardShape(dashboard) {
  const problems = [];
  const ids = new Set();
  for (const p of dashboard.panels || []) {
    if (ids.has(p.id)) problems.push(`panel id ${p.id} is used twice`);
    ids.add(p.id);
    const g = p.gridPos || {};
    if (!(g.w > 0 && g.h > 0 && g.x >= 0 && g.x + g.w <= 24)) problems.push(`panel "${p.title}": gridPos outside the 24 columns`);
    if (p.type === 'row') continue;
    if (p.datasource?.uid !== '${datasource}') problems.push(`panel "${p.title}": its datasource should be the $datasource variable`);
    if (!p.targets?.length) problems.push(`panel "${p.title}": no queries`);
    for (const t of p.targets || []) if (!t.expr) problems.push(`panel "${p.title}": a query without expr`);
  }
  if (!dashboard.uid || !dashboard.title) problems.push('the dashboard needs a uid and a title');
  return problems;
}

export const files = {
  rules: path.join(repoRoot, 'deploy', 'monitoring', 'alerts.yaml'),
  dashboard: path.join(repoRoot, 'deploy', 'monitoring', 'exgate-dashboard.json'),
  prometheusRule: path.join(repoRoot, 'deploy', 'k8s', 'base', 'prometheusrule.yaml'),
};

export function renderPrometheusRule(rules) {
  const header = '# Generated from deploy/monitoring/alerts.yaml by `node deploy/monitoring/check.mjs --write`; edit that file.\n';
  const doc = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'exgate', namespace: 'exgate', labels: { 'app.kubernetes.io/part-of': 'exgate' } },
    spec: { groups: rules.groups },
  };
  return header + YAML.stringify(doc, { lineWidth: 0 });
}

/** Every problem with the monitoring files; [] when they hold. */
export function checkMonitoring({ rules, dashboard, prometheusRule, root = repoRoot }) {
  const { metrics, problems } = exportedMetrics(root);
  const expressions = [
    ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `rule ${r.alert || r.record}`, expr: r.expr }))),
    ...dashboardExpressions(dashboard),
  ];
  for (const { where, expr } of expressions) {
    try {
      for (const name of referencedMetrics(String(expr))) {
        const unknown = unknownMetric(name, metrics);
        if (unknown) problems.push(`${where}: ${unknown}`);
      }
    } catch (e) {
      problems.push(`${where}: ${e.message}`);
    }
  }
  problems.push(...dashboardShape(dashboard));
  if (prometheusRule !== undefined && !isDeepStrictEqual(prometheusRule?.spec?.groups, rules.groups)) {
    problems.push('deploy/k8s/base/prometheusrule.yaml differs from alerts.yaml: node deploy/monitoring/check.mjs --write');
  }
  return { problems, exported: metrics, expressions: expressions.length };
}

function main() {
  const rules = YAML.parse(fs.readFileSync(files.rules, 'utf8'));
  if (process.argv.includes('--write')) {
    fs.writeFileSync(files.prometheusRule, renderPrometheusRule(rules));
    console.log(`wrote ${path.relative(repoRoot, files.prometheusRule)}`);
    return;
  }
  const dashboard = JSON.parse(fs.readFileSync(files.dashboard, 'utf8'));
  const prometheusRule = fs.existsSync(files.prometheusRule) ? YAML.parse(fs.readFileSync(files.prometheusRule, 'utf8')) : null;
  const { problems, exported, expressions } = checkMonitoring({ rules, dashboard, prometheusRule });
  if (problems.length > 0) {
    console.error(`monitoring: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`monitoring: ${expressions} expressions name only the ${exported.size} metrics the code exports; the PrometheusRule matches alerts.yaml`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
