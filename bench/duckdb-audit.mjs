// The peer of `credits audit` in the benchmark: DuckDB's read_csv and a
// GROUP BY computing the same per-operation sums.
import { DuckDBInstance } from '@duckdb/node-api';

const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
const connection = await db.connect();
const path = process.argv[2].replace(/'/g, "''");
const result = await connection.runAndReadAll(
  `SELECT operation, COUNT(*) AS calls, SUM(credits_consumed) AS total_credits, SUM(actual_cost) AS total_cost FROM read_csv('${path}') GROUP BY operation`,
);
process.stdout.write(`${result.getRowObjectsJson().length} operations\n`);
