// The same API with Express: a middleware charges each route in credits through
// the committed table. Run it with `node examples/express/server.mjs credits.yaml`.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { InvalidContextError, createMeter, loadTable } from 'credits';

/**
 * The app. `included` credits a customer may use a month; `clock` and `load`
 * tell the meter when a call happens and how busy the platform is (injected,
 * so a test can choose them). Customers name themselves in X-Customer and
 * their monthly commitment in X-Monthly-Commitment.
 */
export async function createApi({ table = 'credits.yaml', included = 10_000, clock = () => new Date(), load = () => 0 } = {}) {
  const meter = createMeter(await loadTable(table));
  const usage = new Map();

  /** Charges `operation` before the handler runs, and leaves the meta block for it. */
  const charge = (operation) => (request, response, next) => {
    const at = clock();
    const month = at.toISOString().slice(0, 7);
    const customer = request.get('x-customer') ?? 'anonymous';
    const account = usage.get(customer)?.month === month ? usage.get(customer) : { month, credits: 0 };
    let result;
    try {
      result = meter.charge(operation, { at, load: load(), monthlyCommitment: Number(request.get('x-monthly-commitment') ?? 0) });
    } catch (error) {
      if (error instanceof InvalidContextError) return response.status(400).json({ error: error.message });
      return next(error);
    }
    const resetAt = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
    if (account.credits + result.credits > included) {
      return response.status(402).json({ error: 'not enough credits left this month', meta: meter.meta({ consumed: 0, remaining: included - account.credits, resetAt }) });
    }
    account.credits += result.credits;
    usage.set(customer, account);
    response.locals.credits = { applied: result.applied, meta: meter.meta({ consumed: result.credits, remaining: included - account.credits, resetAt }) };
    next();
  };
  const reply = (operation) => (request, response) => response.json({ data: { operation, applied: response.locals.credits.applied }, meta: response.locals.credits.meta });

  const app = express();
  app.post('/upload', charge('image_upload'), reply('image_upload'));
  app.post('/resize', charge('basic_resize'), reply('basic_resize'));
  app.post('/analyze', charge('ai_analysis'), reply('ai_analysis'));
  app.post('/remove-background', charge('background_removal'), reply('background_removal'));
  app.post('/video', charge('video_processing'), reply('video_processing'));
  app.use((request, response) => response.status(404).json({ error: 'no such route' }));
  return createServer(app);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await createApi({ table: process.argv[2] ?? 'credits.yaml' });
  server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
}
