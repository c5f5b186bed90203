/**
 * JSON Schemas for Stripe's API objects, derived at test time from the type declarations of the
 * installed stripe SDK. Stripe generates those declarations from its OpenAPI spec for exactly the
 * SDK's pinned API version, so upgrading the SDK (and with it the API version) changes these schemas
 * and the contract test fails until the emulator follows.
 *
 * Mapping from TypeScript to JSON Schema (draft 2020-12):
 * - `prop?: T` is optional (Stripe omits it); `prop: T | null` is required and may be null;
 * - interfaces are closed (`additionalProperties: false`), so invented fields are violations; an
 *   index signature (`Stripe.Metadata`) becomes `additionalProperties` of that type;
 * - string-literal unions are enums. The SDK joins most of them with `OtherString` so that a value
 *   Stripe adds later does not break compilation; the contract treats them as closed, because an
 *   emulator that invents a value the pinned version does not document is exactly what we look for;
 * - expandable fields (`string | Stripe.Customer`) accept the id or the expanded object;
 * - `Decimal` (the SDK parses `*_decimal` strings into it) is a string on the wire;
 * - `Partial<T>` (an event's `previous_attributes`) is a deep partial: Stripe sends only the changed
 *   keys at each level of an object, but whole arrays.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

export type JsonSchema = Record<string, unknown>;

export interface StripeSchemas {
  sdkVersion: string;
  apiVersion: string;
  /** Every named type reached from the roots, by a sanitised qualified name. */
  defs: Record<string, JsonSchema>;
  /** Wire `object` value (e.g. `checkout.session`) -> $defs key of its type. */
  objects: Record<string, string>;
  /**
   * Every event type of the pinned version (e.g. `charge.refunded`) -> $defs key of that event's
   * interface, or null for events about resources the emulator does not model.
   */
  events: Record<string, string | null>;
}

/** The objects the emulator serves, keyed by their wire `object` value, as the SDK names them. */
const ROOTS: Record<string, string> = {
  'checkout.session': 'Stripe.Checkout.Session',
  item: 'Stripe.LineItem',
  payment_intent: 'Stripe.PaymentIntent',
  charge: 'Stripe.Charge',
  refund: 'Stripe.Refund',
  dispute: 'Stripe.Dispute',
  balance_transaction: 'Stripe.BalanceTransaction',
  balance: 'Stripe.Balance',
  payout: 'Stripe.Payout',
  customer: 'Stripe.Customer',
  subscription: 'Stripe.Subscription',
  subscription_item: 'Stripe.SubscriptionItem',
  invoice: 'Stripe.Invoice',
  invoice_payment: 'Stripe.InvoicePayment',
  line_item: 'Stripe.InvoiceLineItem',
  price: 'Stripe.Price',
  product: 'Stripe.Product',
  payment_method: 'Stripe.PaymentMethod',
  event: 'Stripe.Event',
  // Stripe's OpenAPI `api_errors` schema: the SDK carries it as a payment intent's last_payment_error.
  error: 'Stripe.PaymentIntent.LastPaymentError',
};

type Mode = 'full' | 'partial';

/** stripe's `exports` hides its package.json from require.resolve; walk up from its entry point. */
function packageDir(projectRoot: string, name: string): string {
  let dir = path.dirname(createRequire(path.join(projectRoot, 'package.json')).resolve(name));
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) !== name) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the ${name} package`);
    dir = up;
  }
  return dir;
}

function sanitise(name: string): string {
  return name.replace(/[^A-Za-z0-9_.]+/g, '_').replace(/^_+|_+$/g, '');
}

export function deriveStripeSchemas(projectRoot: string = process.cwd()): StripeSchemas {
  const stripeDir = packageDir(projectRoot, 'stripe');
  const stripePackage = JSON.parse(readFileSync(path.join(stripeDir, 'package.json'), 'utf8')) as { version: string };
  const entryPath = path.join(projectRoot, 'test/helpers/stripe-schema/__stripe_roots__.ts');
  const entrySource = [
    "import Stripe from 'stripe';",
    'export declare const apiVersion: typeof Stripe.API_VERSION;',
    'export interface Roots {',
    ...Object.entries(ROOTS).map(([k, t]) => `  ${JSON.stringify(k)}: ${t};`),
    '}',
  ].join('\n');

  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    lib: ['lib.es2022.d.ts'],
    esModuleInterop: true,
    types: [],
  };
  const host = ts.createCompilerHost(options, true);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === entryPath ? entrySource : readFile(f));
  host.fileExists = ((exists) => (f: string) => path.resolve(f) === entryPath || exists(f))(host.fileExists.bind(host));
  host.getSourceFile = (f, lang, onError, create) =>
    path.resolve(f) === entryPath ? ts.createSourceFile(f, entrySource, lang, true, ts.ScriptKind.TS) : getSourceFile(f, lang, onError, create);
  const program = ts.createProgram({ rootNames: [entryPath], options, host });
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(entryPath)!;
  const problems = ts.getPreEmitDiagnostics(program, entry).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (problems.length > 0) throw new Error(`cannot read the stripe SDK's types:\n${problems.join('\n')}`);

  const moduleSymbol = checker.getSymbolAtLocation(entry)!;
  const exports = checker.getExportsOfModule(moduleSymbol);
  const rootsSymbol = exports.find((s) => s.name === 'Roots')!;
  const rootsType = checker.getDeclaredTypeOfSymbol(rootsSymbol);
  const apiVersionSymbol = exports.find((s) => s.name === 'apiVersion')!;
  const apiVersionType = checker.getTypeOfSymbol(apiVersionSymbol);
  if (!apiVersionType.isStringLiteral()) throw new Error('Stripe.API_VERSION is not a string literal type');

  const defs: Record<string, JsonSchema> = {};
  const names = new Map<ts.Type, string>();

  /** A stable, readable key: the declaring file relative to the SDK, then the qualified name. */
  function qualifiedName(type: ts.Type): string | null {
    const symbol = type.aliasSymbol && !isPartial(type) ? type.aliasSymbol : type.getSymbol();
    if (!symbol || symbol.name === '__type' || symbol.name === '__object') return null;
    const fqn = checker.getFullyQualifiedName(symbol);
    const match = /^"(.*)"\.(.*)$/.exec(fqn);
    const file = match ? path.relative(stripeDir, match[1]!).replace(/^(esm|cjs)\//, '') : '';
    const local = match ? match[2]! : fqn;
    const args = type.aliasSymbol && !isPartial(type) ? type.aliasTypeArguments ?? [] : (type as ts.TypeReference).target ? checker.getTypeArguments(type as ts.TypeReference) : [];
    const argNames = args.map((a) => qualifiedName(a) ?? checker.typeToString(a));
    return sanitise(`${file}:${local}${argNames.length ? `<${argNames.join(',')}>` : ''}`);
  }

  function isPartial(type: ts.Type): boolean {
    return type.aliasSymbol?.name === 'Partial' && (type.aliasTypeArguments?.length ?? 0) === 1;
  }

  function isDecimal(type: ts.Type): boolean {
    const symbol = type.getSymbol() ?? type.aliasSymbol;
    if (!symbol || symbol.name !== 'Decimal') return false;
    return (symbol.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(stripeDir));
  }

  /** `string & Record<never, never>` (the SDK's OtherString) and friends: a string. */
  function isOpenString(type: ts.Type): boolean {
    return type.isIntersection() && type.types.some((t) => (t.flags & ts.TypeFlags.String) !== 0);
  }

  const modelledObjects = new Set(Object.keys(ROOTS));
  /** A resource whose `object` value is one of the roots (deleted variants included). */
  function modelled(type: ts.Type): boolean {
    if (type.isUnion()) return type.types.every(modelled);
    const objectProp = checker.getPropertyOfType(type, 'object');
    if (!objectProp) return true;
    const objectType = checker.getTypeOfSymbol(objectProp);
    const literals = objectType.isUnion() ? objectType.types : [objectType];
    return literals.every((l) => !l.isStringLiteral() || modelledObjects.has(l.value));
  }

  function ref(key: string): JsonSchema {
    return { $ref: `#/$defs/${key}` };
  }

  function convert(type: ts.Type, mode: Mode): JsonSchema {
    const f = type.flags;
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (f & ts.TypeFlags.String || isOpenString(type)) return { type: 'string' };
    if (f & ts.TypeFlags.Number) return { type: 'number' };
    if (f & ts.TypeFlags.Boolean) return { type: 'boolean' };
    if (f & ts.TypeFlags.Null) return { type: 'null' };
    if (type.isStringLiteral()) return { const: type.value };
    if (type.isNumberLiteral()) return { const: type.value };
    if (f & ts.TypeFlags.BooleanLiteral) return { const: checker.typeToString(type) === 'true' };
    if (type.isUnion()) return convertUnion(type, mode);
    if (isDecimal(type)) return { type: 'string' };
    if (checker.isArrayType(type)) {
      // Stripe sends whole arrays even in previous_attributes, so elements are full objects.
      return { type: 'array', items: convert(checker.getTypeArguments(type as ts.TypeReference)[0]!, 'full') };
    }
    if (isPartial(type)) return convert(type.aliasTypeArguments![0]!, 'partial');
    if (f & ts.TypeFlags.Object || type.isIntersection()) return convertObject(type, mode);
    throw new Error(`no JSON Schema for the type ${checker.typeToString(type)}`);
  }

  function convertUnion(type: ts.UnionType, mode: Mode): JsonSchema {
    const members = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
    const literals = members.filter((t): t is ts.StringLiteralType => t.isStringLiteral()).map((t) => t.value);
    const booleans = members.filter((t) => t.flags & ts.TypeFlags.BooleanLiteral);
    const nullable = members.some((t) => t.flags & ts.TypeFlags.Null);
    let rest = members.filter((t) => !t.isStringLiteral() && !(t.flags & (ts.TypeFlags.BooleanLiteral | ts.TypeFlags.Null)));
    if (rest.some((t) => t.flags & ts.TypeFlags.String)) {
      // An expandable field: the id, or the object when expanded. Expansions into resources the
      // emulator does not model are left out, so an emulator that expanded one would be caught,
      // and the schemas stay small enough to build in seconds.
      rest = rest.filter((t) => !(t.flags & ts.TypeFlags.Object) || modelled(t));
    }
    // The open-enum marker adds nothing once literals are listed: the enum is held closed.
    const others = literals.length > 0 ? rest.filter((t) => !isOpenString(t)) : rest;
    const branches: JsonSchema[] = [];
    if (literals.length > 0) branches.push({ type: 'string', enum: [...new Set(literals)].sort() });
    if (booleans.length === 2) branches.push({ type: 'boolean' });
    else for (const b of booleans) branches.push(convert(b, mode));
    for (const t of others) branches.push(convert(t, mode));
    if (nullable) branches.push({ type: 'null' });
    if (branches.length === 1) return branches[0]!;
    // `string | null` and the like read better as a type list than as anyOf.
    if (branches.every((b) => Object.keys(b).length === 1 && typeof b.type === 'string')) {
      return { type: branches.map((b) => b.type as string) };
    }
    return { anyOf: branches };
  }

  function convertObject(type: ts.Type, mode: Mode): JsonSchema {
    const base = qualifiedName(type);
    if (base === null) return objectSchema(type, mode);
    const key = mode === 'partial' ? `Partial.${base}` : base;
    const known = names.get(type);
    if (known === key || defs[key]) return ref(key);
    names.set(type, key);
    defs[key] = {}; // placeholder: recursive types (Customer -> Subscription -> Customer) end here
    defs[key] = objectSchema(type, mode);
    return ref(key);
  }

  function objectSchema(type: ts.Type, mode: Mode): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const prop of checker.getPropertiesOfType(type)) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      if (decl && (ts.isMethodSignature(decl) || ts.isMethodDeclaration(decl))) continue;
      // An optional property's type includes `undefined`, which convertUnion drops.
      properties[prop.name] = convert(checker.getTypeOfSymbol(prop), mode);
      if (mode === 'full' && !(prop.flags & ts.SymbolFlags.Optional)) required.push(prop.name);
    }
    const index = checker.getIndexTypeOfType(type, ts.IndexKind.String);
    const schema: JsonSchema = { type: 'object', properties };
    if (required.length > 0) schema.required = required.sort();
    schema.additionalProperties = index ? convert(index, 'full') : false;
    return schema;
  }

  const objects: Record<string, string> = {};
  const events: Record<string, string | null> = {};
  for (const prop of checker.getPropertiesOfType(rootsType)) {
    const type = checker.getTypeOfSymbol(prop);
    if (prop.name === 'event') {
      // Stripe.Event is the union of every event interface, each with its own `type` and data.object.
      for (const member of (type as ts.UnionType).types) {
        const typeProp = checker.getPropertyOfType(member, 'type')!;
        const literal = checker.getTypeOfSymbol(typeProp);
        if (!literal.isStringLiteral()) continue;
        const dataObject = checker.getTypeOfSymbol(checker.getPropertyOfType(checker.getTypeOfSymbol(checker.getPropertyOfType(member, 'data')!), 'object')!);
        // Events about resources the emulator does not model stay known by name only.
        if (!modelled(dataObject)) {
          events[literal.value] = null;
          continue;
        }
        const schema = convert(member, 'full');
        events[literal.value] = (schema.$ref as string).slice('#/$defs/'.length);
      }
      continue;
    }
    const schema = convert(type, 'full');
    if (typeof schema.$ref !== 'string') throw new Error(`root ${prop.name} is not a named type`);
    objects[prop.name] = schema.$ref.slice('#/$defs/'.length);
  }
  return { sdkVersion: stripePackage.version, apiVersion: apiVersionType.value, defs, objects, events };
}
