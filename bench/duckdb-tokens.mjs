// The peer of `credits audit` on a token log in the benchmark: DuckDB's read_csv,
// a join with the models' per-token prices, and the same per-operation sums.
import { DuckDBInstance } from '@duckdb/node-api';

const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
const connection = await db.connect();
const [path, pricesJson] = [process.argv[2].replace(/'/g, "''"), process.argv[3]];
const prices = Object.entries(JSON.parse(pricesJson))
  .map(([model, p]) => `('${model.replace(/'/g, "''")}', ${p.input ?? 0}::DECIMAL(38, 18), ${p.output ?? 0}::DECIMAL(38, 18), ${p.cached_input ?? 0}::DECIMAL(38, 18))`)
  .join(', ');
const result = await connection.runAndReadAll(
  `WITH prices (model, input, output, cached) AS (VALUES ${prices})
   SELECT l.operation, COUNT(*) AS calls, SUM(l.input_tokens * p.input + l.output_tokens * p.output + l.cached_input_tokens * p.cached) AS total_cost
   FROM read_csv('${path}') AS l JOIN prices AS p ON p.model = l.model GROUP BY l.operation`,
);
process.stdout.write(`${result.getRowObjectsJson().length} operations\n`);
