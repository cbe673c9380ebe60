import type { ExportTarget } from '../core/choices.js';
import { autumnExport } from './autumn.js';
import { lagoExport } from './lago.js';
import type { Export, ExportModel } from './model.js';
import { openmeterExport } from './openmeter.js';
import { jsonExport, typescriptExport } from './snapshot.js';
import { stripeExport } from './stripe.js';

export const EXPORTERS: Record<ExportTarget, (model: ExportModel) => Export> = {
  autumn: autumnExport,
  openmeter: openmeterExport,
  stripe: stripeExport,
  lago: lagoExport,
  json: jsonExport,
  typescript: typescriptExport,
};

/** Whether a target's file is JSON (compared as data) or source text (compared as text). */
export const JSON_TARGETS: ReadonlySet<ExportTarget> = new Set(['openmeter', 'stripe', 'lago', 'json']);

/** The file name a target's users expect. */
export const DEFAULT_FILES: Record<ExportTarget, string> = {
  autumn: 'autumn.config.ts',
  openmeter: 'openmeter.json',
  stripe: 'stripe-requests.json',
  lago: 'lago-requests.json',
  json: 'credits.json',
  typescript: 'credits-table.ts',
};
