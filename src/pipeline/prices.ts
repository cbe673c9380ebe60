import type { Finding } from '../core/check.js';
import type { Dec } from '../core/decimal.js';
import type { CreditTable } from '../core/table.js';
import { confinedPath } from '../io/confine.js';
import { CliError } from '../io/errors.js';
import { readSource } from '../io/source.js';
import type { TokenPriceText } from '../io/usage-scan.js';
import { PriceBook } from '../pricing/book.js';
import type { PricesRecord } from '../core/table.js';
import { type Catalog, PACKAGED_CATALOGS, packagedCatalog } from '../pricing/catalog.js';

/** A price catalog file is small; anything far larger is a mistake. */
const CATALOG_LIMIT = 16 * 1024 * 1024;

const isPackaged = (spec: string): spec is (typeof PACKAGED_CATALOGS)[number] => (PACKAGED_CATALOGS as readonly string[]).includes(spec);

/** A catalog by --prices: a packaged one by name, else a file (JSON or YAML) from the working directory. */
async function catalogOf(spec: string, path: string): Promise<Catalog> {
  if (isPackaged(spec)) return packagedCatalog(spec);
  const { fileCatalog } = await import('../pricing/file-catalog.js');
  return fileCatalog(await readSource(path, 'prices file', CATALOG_LIMIT));
}

/** A file catalog as a table records it: a path from the table, with forward slashes. */
function recordedName(spec: string, tablePath: string, sourcePath: (file: string, table: string) => string): string {
  return isPackaged(spec) ? spec : sourcePath(spec, tablePath);
}

/**
 * The prices a design uses: --prices, else the catalog the previous table
 * records (a file then is named by the table, so it must stay in the project).
 */
export async function designPrices(
  flag: string | undefined,
  previous: CreditTable | undefined,
  tablePath: string,
  sourcePath: (file: string, table: string) => string,
): Promise<PriceBook | undefined> {
  if (flag !== undefined) return PriceBook.ofCatalog(await catalogOf(flag, flag), recordedName(flag, tablePath, sourcePath));
  const recorded = previous?.design.prices?.catalog;
  if (recorded === undefined) return undefined;
  const path = isPackaged(recorded) ? recorded : confinedPath(tablePath, recorded, 'design.prices.catalog');
  return PriceBook.ofCatalog(await catalogOf(recorded, path), recorded);
}

/** The prices a table records, for re-deriving it offline (check, price --costs). */
export function recordedPrices(table: CreditTable, tablePath: string): PriceBook | undefined {
  return table.design.prices ? PriceBook.ofRecord(table.design.prices, tablePath) : undefined;
}

const show = (d: Dec | undefined) => (d === undefined ? 'none' : d.toFixed());

/**
 * `price-catalog-drift`: a recorded model whose price in the installed
 * catalog (or the catalog file as it is now) differs from the recorded one.
 * The sign a provider changed prices and the credits should be revisited.
 */
export async function catalogDrift(table: CreditTable, tablePath: string): Promise<Finding[]> {
  const record: PricesRecord | undefined = table.design.prices;
  if (!record) return [];
  let catalog: Catalog;
  try {
    catalog = await catalogOf(record.catalog, isPackaged(record.catalog) ? record.catalog : confinedPath(tablePath, record.catalog, 'design.prices.catalog'));
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return [{ code: 'price-catalog-drift', severity: 'warning', path: ['design', 'prices', 'catalog'], message: `the recorded price catalog cannot be read now, so its prices were not compared: ${error.message}` }];
  }
  const findings: Finding[] = [];
  for (const [name, recorded] of Object.entries(record.models)) {
    const found = catalog.resolve(recorded.model ?? name);
    const label = `${catalog.name}${isPackaged(record.catalog) ? ` ${catalog.version}` : ''}`;
    if (found.kind !== 'found') {
      findings.push({ code: 'price-catalog-drift', severity: 'warning', path: ['design', 'prices', 'models', name], message: `${recorded.model ?? name} is no longer priced in ${label} (recorded from ${record.version}); check the provider's prices and design again` });
      continue;
    }
    const changes = (['input', 'output', 'cached_input'] as const).flatMap((key) => {
      const [was, now] = [recorded[key], found.model.prices[key]];
      return (was === undefined ? now === undefined : now !== undefined && was.eq(now)) ? [] : [`${key.replace('_', ' ')} ${show(was)} → ${show(now)}`];
    });
    if (changes.length === 0) continue;
    findings.push({
      code: 'price-catalog-drift',
      severity: 'warning',
      path: ['design', 'prices', 'models', name],
      message: `${recorded.model ?? name}: ${changes.join(', ')} per token in ${label} (recorded from ${record.version}); the provider changed prices: run credits design again to revisit the credits`,
    });
  }
  return findings;
}

/** The recorded per-token prices as plain text, for the log readers (and their worker threads). */
export function tokenPriceText(record: PricesRecord): Record<string, TokenPriceText> {
  const text: Record<string, TokenPriceText> = {};
  for (const [name, m] of Object.entries(record.models)) {
    const prices: TokenPriceText = {};
    for (const key of ['input', 'output', 'cached_input'] as const) if (m[key] !== undefined) prices[key] = m[key].toFixed();
    text[name] = prices;
  }
  return text;
}

/** The models a design priced, per million tokens, for the design summary. */
export function describePrices(book: PriceBook): string {
  const record = book.record();
  const million = (d: Dec | undefined) => (d === undefined ? '—' : d.times(1_000_000).toFixed());
  const lines = Object.entries(record.models).map(([name, m]) => `  ${name}${m.model ? ` (${m.model})` : ''}: ${million(m.input)} / ${million(m.output)} / ${million(m.cached_input)}`);
  const version = record.version.startsWith('sha256:') ? '' : ` ${record.version}`;
  return [`Model prices from ${record.catalog}${version}, per million tokens (input / output / cached input):`, ...lines].join('\n');
}
