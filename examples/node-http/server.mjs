// A minimal API that charges each route in credits through the committed table,
// with no framework: node:http only. Run it with `node examples/node-http/server.mjs credits.yaml`.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { InvalidContextError, UnknownOperationError, createMeter, loadTable } from 'credits';

/** Each route is one operation of the credit table (the worked example's image API). */
export const ROUTES = {
  '/upload': 'image_upload',
  '/resize': 'basic_resize',
  '/analyze': 'ai_analysis',
  '/remove-background': 'background_removal',
  '/video': 'video_processing',
};

/**
 * The server. `included` credits a customer may use a month; `clock` and
 * `load` tell the meter when a call happens and how busy the platform is
 * (injected, so a test can choose them). Customers name themselves in
 * X-Customer and their monthly commitment in X-Monthly-Commitment.
 */
export async function createApi({ table = 'credits.yaml', included = 10_000, clock = () => new Date(), load = () => 0 } = {}) {
  const meter = createMeter(await loadTable(table));
  /** Credits each customer used in the current month (UTC). */
  const usage = new Map();
  return createServer((request, response) => {
    const send = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const operation = ROUTES[new URL(request.url ?? '/', 'http://localhost').pathname];
    if (!operation) return send(404, { error: 'no such route' });
    const at = clock();
    const month = at.toISOString().slice(0, 7);
    const customer = String(request.headers['x-customer'] ?? 'anonymous');
    const account = usage.get(customer)?.month === month ? usage.get(customer) : { month, credits: 0 };
    let charge;
    try {
      charge = meter.charge(operation, { at, load: load(), monthlyCommitment: Number(request.headers['x-monthly-commitment'] ?? 0) });
    } catch (error) {
      if (error instanceof InvalidContextError || error instanceof UnknownOperationError) return send(400, { error: error.message });
      throw error;
    }
    const resetAt = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
    if (account.credits + charge.credits > included) {
      return send(402, { error: 'not enough credits left this month', meta: meter.meta({ consumed: 0, remaining: included - account.credits, resetAt }) });
    }
    account.credits += charge.credits;
    usage.set(customer, account);
    send(200, { data: { operation, applied: charge.applied }, meta: meter.meta({ consumed: charge.credits, remaining: included - account.credits, resetAt }) });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await createApi({ table: process.argv[2] ?? 'credits.yaml' });
  server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
}
