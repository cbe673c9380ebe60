import { ZERO } from '../core/decimal.js';
import { type Export, type ExportModel, freeKey, headerComment, jsLiteral, notExported } from './model.js';

/** A JavaScript identifier for a key (keys are lower case letters, digits and underscores). */
function identifier(key: string, taken: Set<string>): string {
  let name = /^[0-9]/.test(key) ? `_${key}` : key;
  while (taken.has(name) || RESERVED.has(name)) name = `${name}_`;
  taken.add(name);
  return name;
}

const RESERVED = new Set(['feature', 'item', 'plan', 'default', 'export', 'import', 'const', 'class', 'function', 'new', 'delete', 'in', 'of', 'do', 'if', 'for', 'while', 'var', 'let', 'enum', 'void', 'this', 'super', 'null', 'true', 'false', 'return', 'switch', 'case', 'break', 'continue', 'throw', 'try', 'catch', 'finally', 'typeof', 'instanceof', 'with', 'yield', 'await', 'static', 'interface', 'package', 'private', 'protected', 'public', 'implements', 'debugger', 'extends']);

/**
 * An autumn.config.ts for Autumn's `atmn` CLI: each operation a metered
 * feature, one credit_system feature whose schema gives each operation's
 * credits, and each plan with its included credits reset monthly; paid plans
 * bill the overage at the table's pack price (e.g. 1 per 1,000 credits).
 */
export function autumnExport(model: ExportModel): Export {
  const names = new Set<string>();
  const creditKey = freeKey(['credits', 'api_credits', 'credit_balance'], new Set(model.operations.map((o) => o.key)));
  const ops = model.operations.map((o) => ({ ...o, variable: identifier(o.key, names) }));
  const credits = identifier(creditKey, names);
  const lines = [
    headerComment(model.header),
    `// The credit table ${jsLiteral(model.header.table)} for Autumn (atmn push). Written by credits export --to autumn: edit the table, not this file.`,
    "import { feature, item, plan } from 'atmn';",
    '',
    '// One metered feature per operation: the API tracks usage under these ids.',
  ];
  for (const o of ops) {
    lines.push(`export const ${o.variable} = feature({ id: ${jsLiteral(o.key)}, name: ${jsLiteral(o.name)}, type: 'metered', consumable: true });`);
  }
  lines.push('', `// The credits: each operation draws its credits from this balance (${model.display}).`);
  lines.push(`export const ${credits} = feature({`);
  lines.push(`  id: ${jsLiteral(creditKey)},`, "  name: 'Credits',", "  type: 'credit_system',", '  creditSchema: [');
  for (const o of ops) lines.push(`    { meteredFeatureId: ${o.variable}.id, creditCost: ${o.credits.toFixed()} },`);
  lines.push('  ],', '});');
  const free = model.plans.find((p) => p.price.eq(ZERO));
  const planNames = new Set(names);
  for (const p of model.plans) {
    const variable = identifier(`plan_${p.key}`, planNames);
    const paid = !p.price.eq(ZERO);
    lines.push('');
    lines.push(`export const ${variable} = plan({`);
    lines.push(`  id: ${jsLiteral(p.key)},`, `  name: ${jsLiteral(p.name)},`);
    if (paid) lines.push(`  price: { amount: ${p.price.toFixed()}, interval: 'month' },`);
    if (p === free) lines.push('  autoEnable: true,');
    lines.push('  items: [');
    lines.push('    item({');
    lines.push(`      featureId: ${credits}.id,`, `      included: ${p.included.toFixed()},`, "      reset: { interval: 'month' },");
    if (paid) lines.push(`      price: { amount: ${model.pack.price.toFixed()}, billingUnits: ${model.pack.credits.toFixed()}, billingMethod: 'usage_based', interval: 'month' },`);
    lines.push('    }),', '  ],', '});');
  }
  return {
    text: `${lines.join('\n')}\n`,
    notExported: [
      ...notExported(model.modifiers, {
        time: "Autumn has no time-of-day pricing; apply the factor in the API before tracking usage",
        load: "Autumn has no load-based pricing; apply the factor in the API before tracking usage",
        commitment: 'Autumn credit systems have no volume discount; offer the commitment as a plan with more included credits',
      }),
      ...(model.plans.length === 0 ? ['not exported: plans — the table has none, so the config has no plan to attach the credits to'] : []),
    ],
  };
}
