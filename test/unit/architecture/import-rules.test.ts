// The arrows between src/'s folders, read from the imports themselves with the TypeScript
// compiler's parser (README, "Layout"):
// - domain folders (campaigns, pledges, payments, webhooks, admin, email, receipts, manage, digest, matching, offline-gifts) hold the rules; they declare
//   the ports they need (files named *-gateway.ts) and raise the errors of src/errors.ts;
// - stripe/, db/, http/, money/ and the shared modules (errors.ts, listing.ts, config.ts,
//   logger.ts, html.ts: the escaping template of pages and emails, intl-formats.ts) import no domain: stripe/ only names a domain's port to implement it (a type-only
//   import of a *-gateway.ts file);
// - domain code imports neither web/ nor http/; a domain's *-routes.ts files are its HTTP edge and
//   may use http/ (validation, stream slots), never web/;
// - only src/stripe/ imports the stripe SDK's code; other folders at most name its types.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src/project-root.ts';

const SRC = path.join(PROJECT_ROOT, 'src');
const DOMAINS = ['campaigns', 'pledges', 'payments', 'webhooks', 'admin', 'email', 'receipts', 'manage', 'digest', 'matching', 'offline-gifts'];
const NO_DOMAIN = ['stripe', 'db', 'http', 'money', 'errors.ts', 'listing.ts', 'config.ts', 'logger.ts', 'html.ts', 'intl-formats.ts'];
// Generated code and the emulator (a stand-in for Stripe, importing nothing of the app) are not the app's layers.
const SKIP = ['generated', path.join('stripe', 'emulator')];

interface Import {
  file: string;
  /** The top folder (or top-level file) of src/ it names, or the package's name. */
  target: string;
  /** A package (node_modules), not a file of src/. */
  external: boolean;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (SKIP.some((skip) => path.relative(SRC, full) === skip)) return [];
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const topOf = (file: string) => path.relative(SRC, file).split(path.sep)[0]!;

export function importsOf(file: string, text = readFileSync(file, 'utf8')): Import[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: Import[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (!specifier || !ts.isStringLiteral(specifier)) return;
    const spec = specifier.text;
    const external = !spec.startsWith('.');
    const target = external ? spec.split('/')[0]! : topOf(path.resolve(path.dirname(file), spec));
    found.push({ file, target, external, typeOnly });
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      const everyNameTypeOnly =
        !!bindings && ts.isNamedImports(bindings) && !clause?.name && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      add(statement.moduleSpecifier, !!clause && (clause.isTypeOnly || everyNameTypeOnly));
    } else if (ts.isExportDeclaration(statement)) {
      add(statement.moduleSpecifier, statement.isTypeOnly);
    }
  }
  // import('...') expressions, anywhere in the file.
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every import that breaks a rule, as "file -> target (why)". */
export function violations(imports: Import[]): string[] {
  const problems: string[] = [];
  for (const { file, target, external, typeOnly } of imports) {
    const from = topOf(file);
    const rel = path.relative(SRC, file);
    const name = path.basename(file);
    const say = (why: string) => problems.push(`${rel} -> ${target} (${why})`);
    if (external) {
      if (target === 'stripe' && !typeOnly && from !== 'stripe') say("only src/stripe/ imports the SDK's code");
      continue;
    }
    if (NO_DOMAIN.includes(from) && DOMAINS.includes(target)) {
      const portOnly = from === 'stripe' && typeOnly;
      if (!portOnly) say(`${from} must not import a domain`);
    }
    if (DOMAINS.includes(from) && target === 'web') say('a domain must not import web/');
    if (DOMAINS.includes(from) && target === 'http' && !name.endsWith('-routes.ts')) say('only a domain\'s *-routes.ts may import http/');
  }
  return problems;
}

/** stripe/'s type-only imports of a domain must name a port file (*-gateway.ts). */
function stripePortProblems(files: string[]): string[] {
  const problems: string[] = [];
  for (const file of files.filter((f) => topOf(f) === 'stripe')) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const resolved = path.resolve(path.dirname(file), statement.moduleSpecifier.text);
      if (DOMAINS.includes(topOf(resolved)) && !resolved.endsWith('-gateway.ts')) {
        problems.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, resolved)} (stripe/ may only name a domain's port)`);
      }
    }
  }
  return problems;
}

describe('import rules', () => {
  const files = sourceFiles(SRC);

  it('reads the imports of every source file', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.includes(`${path.sep}emulator${path.sep}`))).toBe(false);
  });

  it('no arrow points the wrong way', () => {
    expect([...violations(files.flatMap((f) => importsOf(f))), ...stripePortProblems(files)]).toEqual([]);
  });

  // The rules themselves, on made-up files: each would fail the test above if it were in src/.
  it.each([
    ['stripe/x.ts', "import { createPaymentService } from '../payments/payment-service.ts';", 'stripe must not import a domain'],
    ['db/x.ts', "import type { Pledge } from '../pledges/pledge.ts';", 'db must not import a domain'],
    ['http/x.ts', "import { x } from '../campaigns/campaign.ts';", 'http must not import a domain'],
    ['money/x.ts', "export { x } from '../admin/index.ts';", 'money must not import a domain'],
    ['pledges/pledge-service.ts', "import { AppError } from '../http/app-error.ts';", "only a domain's *-routes.ts may import http/"],
    ['campaigns/campaign-routes.ts', "import { page } from '../web/layout.ts';", 'a domain must not import web/'],
    ['webhooks/webhook-routes.ts', "import Stripe from 'stripe';", "only src/stripe/ imports the SDK's code"],
  ])('%s: %s is refused', (file, line, why) => {
    expect(violations(importsOf(path.join(SRC, file), line)).join('\n')).toContain(why);
  });

  it.each([
    ['stripe/x.ts', "import type { CheckoutGateway } from '../pledges/checkout-gateway.ts';"],
    ['pledges/pledge-routes.ts', "import { parseOrThrow } from '../http/validation.ts';"],
    ['webhooks/event-handler.ts', "import type Stripe from 'stripe';"],
    ['web/x.ts', "import { x } from '../http/error-handler.ts';"],
  ])('%s: %s is allowed', (file, line) => {
    expect(violations(importsOf(path.join(SRC, file), line))).toEqual([]);
  });
});
