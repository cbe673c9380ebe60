// The peer of `credits design` on raw samples in the benchmark: DuckDB's
// read_csv and a GROUP BY computing the same per-operation statistic.
import { DuckDBInstance } from '@duckdb/node-api';

const [path, stat] = [process.argv[2].replace(/'/g, "''"), process.argv[3]];
const aggregate = stat === 'mean' ? 'avg(cost)' : `quantile_cont(cost, ${Number(stat.slice(1)) / 100})`;
const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
const connection = await db.connect();
const result = await connection.runAndReadAll(`SELECT operation, ${aggregate} AS cost, count(*) AS samples FROM read_csv('${path}') GROUP BY operation`);
process.stdout.write(`${result.getRowObjectsJson().length} operations\n`);
