// node --test deploy/: the monitoring check finds drift, and today's files have none.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { checkMonitoring, exportedMetrics, files, referencedMetrics } from './check.mjs';

const load = () => ({
  rules: YAML.parse(fs.readFileSync(files.rules, 'utf8')),
  dashboard: JSON.parse(fs.readFileSync(files.dashboard, 'utf8')),
  prometheusRule: YAML.parse(fs.readFileSync(files.prometheusRule, 'utf8')),
});

test('the committed dashboard, rules and PrometheusRule name only exported metrics', () => {
  assert.deepEqual(checkMonitoring(load()).problems, []);
});

test('reads the exported metrics and their kinds from the code', () => {
  const { metrics, problems } = exportedMetrics();
  assert.deepEqual(problems, []);
  assert.equal(metrics.get('exgate_aggregator_watermark_ms'), 'gauge');
  assert.equal(metrics.get('exgate_frames_rejected_total'), 'counter');
  assert.equal(metrics.get('exgate_api_request_duration_seconds'), 'histogram');
});

test('selectors are read with the PromQL grammar: functions, label lists and Grafana variables are not metrics', () => {
  assert.deepEqual(
    referencedMetrics('histogram_quantile(0.99, sum by (le, route) (rate(exgate_api_request_duration_seconds_bucket{route=~"$route"}[$__rate_interval]))) / on (job) up'),
    ['exgate_api_request_duration_seconds_bucket', 'up'],
  );
  assert.throws(() => referencedMetrics('sum(rate(x[5m]) by'), /does not parse as PromQL/);
  assert.throws(() => referencedMetrics('{__name__="x"}'), /without naming it/);
});

test('a renamed metric, a histogram suffix on a counter and a stale PrometheusRule are reported', () => {
  const files = load();
  files.rules.groups[0].rules[0].expr = 'max by (exchange) (exgate_collector_up) == 0';
  files.dashboard.panels[1].targets[0].expr = 'rate(exgate_collector_trades_total_bucket[5m])';
  const { problems } = checkMonitoring(files);
  assert.deepEqual(problems, [
    'rule ExgateFeedDown: exgate_collector_up is not a metric the code exports',
    'panel "Feed state": exgate_collector_trades_total_bucket is not a metric the code exports',
    'deploy/k8s/base/prometheusrule.yaml differs from alerts.yaml: node deploy/monitoring/check.mjs --write',
  ]);
});

test('a metric registered under a computed name is a problem: no one could check it', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'exgate-metrics-'));
  try {
    fs.mkdirSync(path.join(root, 'libs', 'x', 'src'), { recursive: true });
    fs.writeFileSync(path.join(root, 'libs', 'x', 'src', 'x.ts'), "const a = metrics.gauge('exgate_x_ms', 'x');\nconst b = metrics.counter(`${prefix}_total`, 'y');\n");
    const { metrics, problems } = exportedMetrics(root);
    assert.deepEqual([...metrics], [['exgate_x_ms', 'gauge']]);
    assert.deepEqual(problems, ['libs/x/src/x.ts:2: metric name `${prefix}_total` is not a string literal']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
