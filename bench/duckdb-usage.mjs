// The peer of `credits usage` in the benchmark: DuckDB's read_csv and a GROUP BY
// computing each customer's credits per operation in one UTC month.
import { DuckDBInstance } from '@duckdb/node-api';

const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
const connection = await db.connect();
const [path, month] = [process.argv[2].replace(/'/g, "''"), process.argv[3]];
const start = `${month}-01`;
const result = await connection.runAndReadAll(
  `SELECT customer_id, operation, COUNT(*) AS calls, SUM(credits_consumed) AS credits FROM read_csv('${path}')
   WHERE timestamp >= TIMESTAMPTZ '${start} 00:00:00+00' AND timestamp < TIMESTAMPTZ '${start} 00:00:00+00' + INTERVAL 1 MONTH
   GROUP BY customer_id, operation`,
);
process.stdout.write(`${result.getRowObjectsJson().length} customer-operations\n`);
