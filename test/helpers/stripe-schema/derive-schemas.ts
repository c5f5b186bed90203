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

/** The SDK's types as the TypeScript checker sees them, read through a small virtual entry file. */
interface SdkTypes {
  checker: ts.TypeChecker;
  stripeDir: string;
  sdkVersion: string;
  apiVersion: string;
  /** One property per root of ROOTS, typed with the SDK's type for it. */
  roots: ts.Type;
}

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

function loadSdkTypes(projectRoot: string): SdkTypes {
  const stripeDir = packageDir(projectRoot, 'stripe');
  const { version } = JSON.parse(readFileSync(path.join(stripeDir, 'package.json'), 'utf8')) as { version: string };
  // Inside the project, so that `stripe` resolves to the installed SDK like the service's own imports.
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
    types: [],
  };
  const host = ts.createCompilerHost(options, true);
  const isEntry = (f: string) => path.resolve(f) === entryPath;
  const { readFile, fileExists, getSourceFile } = host;
  host.readFile = (f) => (isEntry(f) ? entrySource : readFile.call(host, f));
  host.fileExists = (f) => isEntry(f) || fileExists.call(host, f);
  host.getSourceFile = (f, lang, onError, create) =>
    isEntry(f) ? ts.createSourceFile(f, entrySource, lang, true, ts.ScriptKind.TS) : getSourceFile.call(host, f, lang, onError, create);
  const program = ts.createProgram({ rootNames: [entryPath], options, host });
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(entryPath)!;
  const problems = ts.getPreEmitDiagnostics(program, entry).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (problems.length > 0) throw new Error(`cannot read the stripe SDK's types:\n${problems.join('\n')}`);

  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(entry)!);
  const apiVersion = checker.getTypeOfSymbol(exported.find((s) => s.name === 'apiVersion')!);
  if (!apiVersion.isStringLiteral()) throw new Error('Stripe.API_VERSION is not a string literal type');
  const roots = checker.getDeclaredTypeOfSymbol(exported.find((s) => s.name === 'Roots')!);
  return { checker, stripeDir, sdkVersion: version, apiVersion: apiVersion.value, roots };
}

function sanitise(name: string): string {
  return name.replace(/[^A-Za-z0-9_.]+/g, '_').replace(/^_+|_+$/g, '');
}

function ref(key: string): JsonSchema {
  return { $ref: `#/$defs/${key}` };
}

const keyOf = (schema: JsonSchema) => (schema.$ref as string).slice('#/$defs/'.length);

/** Turns checker types into JSON Schema, filling `defs` with every named type it meets. */
function createConverter(checker: ts.TypeChecker, stripeDir: string) {
  const defs: Record<string, JsonSchema> = {};
  const modelledObjects = new Set(Object.keys(ROOTS));

  const isPartial = (type: ts.Type) => type.aliasSymbol?.name === 'Partial' && type.aliasTypeArguments?.length === 1;

  const isDecimal = (type: ts.Type) => {
    const symbol = type.getSymbol() ?? type.aliasSymbol;
    return symbol?.name === 'Decimal' && (symbol.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(stripeDir));
  };

  /** `string & Record<never, never>` (the SDK's OtherString): a string. */
  const isOpenString = (type: ts.Type) => type.isIntersection() && type.types.some((t) => (t.flags & ts.TypeFlags.String) !== 0);

  /** A resource whose `object` value is one of the roots (deleted variants included), or no resource at all. */
  function modelled(type: ts.Type): boolean {
    if (type.isUnion()) return type.types.every(modelled);
    const objectProp = checker.getPropertyOfType(type, 'object');
    if (!objectProp) return true;
    const objectType = checker.getTypeOfSymbol(objectProp);
    return (objectType.isUnion() ? objectType.types : [objectType]).every((l) => !l.isStringLiteral() || modelledObjects.has(l.value));
  }

  /** A stable, readable key: the declaring file relative to the SDK, the qualified name, type arguments. */
  function qualifiedName(type: ts.Type): string | null {
    const viaAlias = type.aliasSymbol !== undefined && !isPartial(type);
    const symbol = viaAlias ? type.aliasSymbol : type.getSymbol();
    if (!symbol || symbol.name === '__type' || symbol.name === '__object') return null;
    const match = /^"(.*)"\.(.*)$/.exec(checker.getFullyQualifiedName(symbol));
    const file = match ? path.relative(stripeDir, match[1]!).replace(/^(esm|cjs)\//, '') : '';
    const local = match ? match[2]! : symbol.name;
    const args = viaAlias ? type.aliasTypeArguments ?? [] : (type as ts.TypeReference).target ? checker.getTypeArguments(type as ts.TypeReference) : [];
    const argNames = args.map((a) => qualifiedName(a) ?? checker.typeToString(a));
    return sanitise(`${file}:${local}${argNames.length ? `<${argNames.join(',')}>` : ''}`);
  }

  function convert(type: ts.Type, mode: Mode): JsonSchema {
    const f = type.flags;
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (f & ts.TypeFlags.String || isOpenString(type)) return { type: 'string' };
    if (f & ts.TypeFlags.Number) return { type: 'number' };
    if (f & ts.TypeFlags.Boolean) return { type: 'boolean' };
    if (f & ts.TypeFlags.Null) return { type: 'null' };
    if (type.isStringLiteral() || type.isNumberLiteral()) return { const: type.value };
    if (f & ts.TypeFlags.BooleanLiteral) return { const: checker.typeToString(type) === 'true' };
    if (type.isUnion()) return convertUnion(type, mode);
    if (isDecimal(type)) return { type: 'string' };
    // Stripe sends whole arrays even in previous_attributes, so elements are full objects.
    if (checker.isArrayType(type)) return { type: 'array', items: convert(checker.getTypeArguments(type as ts.TypeReference)[0]!, 'full') };
    if (isPartial(type)) return convert(type.aliasTypeArguments![0]!, 'partial');
    if (f & ts.TypeFlags.Object || type.isIntersection()) return convertObject(type, mode);
    throw new Error(`no JSON Schema for the type ${checker.typeToString(type)}`);
  }

  function convertUnion(type: ts.UnionType, mode: Mode): JsonSchema {
    const members = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
    const literals = [...new Set(members.filter((t) => t.isStringLiteral()).map((t) => (t as ts.StringLiteralType).value))].sort();
    const booleans = members.filter((t) => t.flags & ts.TypeFlags.BooleanLiteral);
    let others = members.filter((t) => !t.isStringLiteral() && !(t.flags & (ts.TypeFlags.BooleanLiteral | ts.TypeFlags.Null)));
    if (others.some((t) => t.flags & ts.TypeFlags.String)) {
      // An expandable field: the id, or the object when expanded. Expansions into resources the
      // emulator does not model are left out, so an emulator that expanded one would be caught,
      // and the schemas stay small enough to build in seconds.
      others = others.filter((t) => !(t.flags & ts.TypeFlags.Object) || modelled(t));
    }
    // The open-enum marker adds nothing once literals are listed: the enum is held closed.
    if (literals.length > 0) others = others.filter((t) => !isOpenString(t));
    const branches: JsonSchema[] = [
      ...(literals.length > 0 ? [{ type: 'string', enum: literals }] : []),
      ...(booleans.length === 2 ? [{ type: 'boolean' }] : booleans.map((b) => convert(b, mode))),
      ...others.map((t) => convert(t, mode)),
      ...(members.some((t) => t.flags & ts.TypeFlags.Null) ? [{ type: 'null' }] : []),
    ];
    if (branches.length === 1) return branches[0]!;
    // `string | null` and the like read better as a type list than as anyOf.
    if (branches.every((b) => Object.keys(b).length === 1 && typeof b.type === 'string')) return { type: branches.map((b) => b.type as string) };
    return { anyOf: branches };
  }

  function convertObject(type: ts.Type, mode: Mode): JsonSchema {
    const name = qualifiedName(type);
    if (name === null) return objectSchema(type, mode);
    const key = mode === 'partial' ? `Partial.${name}` : name;
    if (defs[key]) return ref(key);
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
    return {
      type: 'object',
      properties,
      ...(required.length > 0 ? { required: required.sort() } : {}),
      additionalProperties: index ? convert(index, 'full') : false,
    };
  }

  return { defs, convert, modelled };
}

export function deriveStripeSchemas(projectRoot: string = process.cwd()): StripeSchemas {
  const sdk = loadSdkTypes(projectRoot);
  const { checker } = sdk;
  const { defs, convert, modelled } = createConverter(checker, sdk.stripeDir);
  const propertyType = (type: ts.Type, name: string) => checker.getTypeOfSymbol(checker.getPropertyOfType(type, name)!);
  const objects: Record<string, string> = {};
  const events: Record<string, string | null> = {};
  for (const root of checker.getPropertiesOfType(sdk.roots)) {
    const type = checker.getTypeOfSymbol(root);
    if (root.name !== 'event') {
      objects[root.name] = keyOf(convert(type, 'full'));
      continue;
    }
    // Stripe.Event is the union of every event interface, each with its own `type` and data.object;
    // events about resources the emulator does not model stay known by name only.
    for (const member of (type as ts.UnionType).types) {
      const literal = propertyType(member, 'type');
      if (!literal.isStringLiteral()) continue;
      events[literal.value] = modelled(propertyType(propertyType(member, 'data'), 'object')) ? keyOf(convert(member, 'full')) : null;
    }
  }
  return { sdkVersion: sdk.sdkVersion, apiVersion: sdk.apiVersion, defs, objects, events };
}
