// Runs SQL statements in a ClickHouse engine (chdb) of its own process, then polls a query until
// it returns `expect` rows and prints them as one JSON array. A process of its own because
// ClickHouse's Kafka engine cannot start in a process whose engine was shut down before (a jest
// worker that ran another chdb spec): "Shutdown was called".
//   node kafka-engine-child.mjs   with KAFKA_ENGINE_JOB = {"dataDir", "statements": [...], "query", "expect", "timeoutMs"}
import { Session } from 'chdb';

const job = JSON.parse(process.env.KAFKA_ENGINE_JOB ?? '{}');
const session = new Session(job.dataDir);
try {
  for (const sql of job.statements) session.query(sql, 'TSV');
  const deadline = Date.now() + job.timeoutMs;
  let rows = [];
  for (;;) {
    rows = session.query(job.query, 'JSONEachRow').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    if (rows.length >= job.expect || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  process.stdout.write(JSON.stringify(rows));
} finally {
  session.close();
}
process.exit(0);
