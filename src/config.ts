// The one place that reads settings from process.env. Parsed once in main and by each command in
// scripts/; everything else receives the typed Config. (A child process such as PostgreSQL
// inherits the environment as it is: that is passing it on, not reading it.)
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const PORT_RANGE = 'must be a port from 1 to 65535';
const positiveInt = z.coerce.number().int().positive();
const onOff = z.enum(['on', 'off']);
const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);
const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyToUndefined, schema.optional());

const envSchema = z
  .object({
    NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'test', 'production']).default('development')),
    PORT: z.preprocess(emptyToUndefined, port.default(3000)),
    PUBLIC_URL: optional(z.url({ protocol: /^https?$/ })),
    // Unset: /metrics only on PORT, behind the admin key. Set: also without a key on this port.
    METRICS_PORT: optional(z.coerce.number(PORT_RANGE).int(PORT_RANGE).min(1, PORT_RANGE).max(65535, PORT_RANGE)),
    EMBEDDED_POSTGRES_DIR: optional(z.string().min(1).max(4096)),
    DATABASE_URL: optional(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' })),
    STRIPE_SECRET_KEY: optional(
      z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'must look like sk_test_... or sk_live_...'),
    ),
    STRIPE_WEBHOOK_SECRET: optional(z.string().regex(/^whsec_[A-Za-z0-9_+/=]+$/, 'must look like whsec_...')),
    STRIPE_ACCOUNT_ID: optional(z.string().regex(/^acct_[A-Za-z0-9]+$/, 'must look like acct_...')),
    STRIPE_API_HOST: optional(z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name')),
    STRIPE_API_PORT: optional(port),
    STRIPE_API_PROTOCOL: optional(z.enum(['http', 'https'])),
    STRIPE_EMULATOR_PORT: z.preprocess(emptyToUndefined, port.default(12111)),
    STRIPE_EMULATOR_WEBHOOKS: z.preprocess(emptyToUndefined, onOff.default('on')),
    PLEDGE_RATE_LIMIT_PER_MINUTE: z.preprocess(emptyToUndefined, positiveInt.default(10)),
    PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE: z.preprocess(emptyToUndefined, positiveInt.default(600)),
    DIGEST_RATE_LIMIT_PER_MINUTE: z.preprocess(emptyToUndefined, positiveInt.default(10)),
    DIGEST_RATE_LIMIT_GLOBAL_PER_MINUTE: z.preprocess(emptyToUndefined, positiveInt.default(120)),
    DONATION_MAX_AMOUNT: z.preprocess(emptyToUndefined, positiveInt.default(100_000)),
    COVER_FEE_PERCENT_BPS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(2_000).default(290)),
    COVER_FEE_FIXED: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(10_000).default(30)),
    CHECKOUT_EXPIRY_MINUTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(60).max(1440).default(120)),
    EMBED_FRAME_ANCESTORS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^(\*|'self'|'none'|https?:\/\/[A-Za-z0-9.*-]+(:\d+)?)( +(\*|'self'|https?:\/\/[A-Za-z0-9.*-]+(:\d+)?))*$/, "must be space-separated origins, '*' or 'none'")
        .default('*'),
    ),
    TRUST_PROXY: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(10).default(0)),
    // Who the donor is giving to: shown on the pages (trust signals) and on receipts.
    ORG_NAME: z.preprocess(emptyToUndefined, z.string().trim().min(1).max(120).default('Our newsroom')),
    ORG_ADDRESS: optional(z.string().trim().min(1).max(300)),
    ORG_TAX_ID: optional(z.string().trim().min(1).max(40)),
    ORG_TIMEZONE: z.preprocess(
      emptyToUndefined,
      z.string().refine(isTimeZone, 'must be an IANA time zone such as America/New_York').default('UTC'),
    ),
    ORG_LOGO_URL: optional(z.url({ protocol: /^https?$/ })),
    ORG_SITE_URL: optional(z.url({ protocol: /^https?$/ })),
    ORG_PRIVACY_URL: optional(z.url({ protocol: /^https?$/ })),
    ORG_CONTACT_EMAIL: optional(z.email()),
    ORG_ACCENT_COLOR: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #1a5fb4').default('#1a5fb4'),
    ),
    RECEIPT_STATEMENT: z.preprocess(
      emptyToUndefined,
      z.string().trim().min(1).max(500).default('No goods or services were provided in exchange for this contribution.'),
    ),
    // Email (src/email/): receipts, refund notices, statements and manage links go out over SMTP.
    SMTP_URL: optional(z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' })),
    MAIL_FROM: optional(z.string().trim().min(3).max(320)),
    RECEIPTS: z.preprocess(emptyToUndefined, onOff.default('on')),
    // Signs the donors' manage links; unset, a random secret is kept in the database (app_secrets).
    MANAGE_LINK_SECRET: optional(z.string().min(32, 'must be at least 32 characters').max(512)),
    // A mailbox staff read: the digest's List-Unsubscribe names it beside the one-click link.
    DIGEST_UNSUBSCRIBE_MAILTO: optional(z.email()),
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.METRICS_PORT !== undefined && env.METRICS_PORT === env.PORT) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'must differ from PORT (metrics without a key must not be on the public port)' });
    }
    if (env.NODE_ENV !== 'production') return;
    for (const key of ['DATABASE_URL', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required in production' });
    }
    // Receipts are a legal duty for a US nonprofit: going without them must be a decision.
    if (!env.SMTP_URL && env.RECEIPTS === 'on') {
      ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'is required in production (or set RECEIPTS=off to run without email)' });
    }
  });

export type Env = z.infer<typeof envSchema>;

export interface Config {
  nodeEnv: Env['NODE_ENV'];
  port: number;
  /** A second port serving /metrics without a key (keep it off the internet); undefined: none. */
  metricsPort: number | undefined;
  publicUrl: string;
  databaseUrl: string | undefined;
  /** Data directory of the embedded PostgreSQL used when DATABASE_URL is unset. */
  embeddedPostgresDir: string | undefined;
  stripe: {
    secretKey: string | undefined;
    webhookSecret: string | undefined;
    /** acct_... this service's events belong to: events naming another account are ignored. */
    accountId: string | undefined;
    apiHost: string | undefined;
    apiPort: number | undefined;
    apiProtocol: 'http' | 'https' | undefined;
  };
  emulator: { port: number; deliverWebhooks: boolean };
  rateLimits: { pledgesPerMinutePerClient: number; pledgesPerMinuteGlobal: number; digestSignUpsPerMinutePerClient: number; digestSignUpsPerMinuteGlobal: number };
  donations: {
    /** Largest gift, in major units of the campaign's currency (capped by Stripe's 8 digits). */
    maxAmountMajor: number;
    /** Fee model for donors who cover the processing fee (see src/money/fees.ts). */
    coverFee: { percentBps: number; fixed: number };
    /** How long a Checkout Session stays open (Stripe allows 30 min to 24 h). */
    checkoutExpiryMinutes: number;
  };
  /** Who may frame the progress widget (CSP frame-ancestors). */
  embedFrameAncestors: string[];
  trustProxy: number;
  logLevel: Env['LOG_LEVEL'];
  org: OrgConfig;
  email: EmailConfig;
}

export interface EmailConfig {
  /** smtp(s)://user:pass@host:port; undefined outside production: an embedded catcher (src/email/smtp-catcher.ts). */
  smtpUrl: string | undefined;
  /** The From header: `Name <address>`. */
  from: string;
  /** RECEIPTS=off: nothing is written to the outbox and no sender runs. */
  enabled: boolean;
  /** HMAC key of the manage links; undefined: one kept in the database. */
  manageLinkSecret: string | undefined;
  /** A mailbox staff read, offered in the digest's List-Unsubscribe beside the one-click URL. */
  digestUnsubscribeMailto: string | undefined;
}

/** The organisation behind the campaigns: pages and receipts read it from here. */
export interface OrgConfig {
  name: string;
  address: string | undefined;
  taxId: string | undefined;
  /** IANA zone in which receipt dates and campaign dates are shown. */
  timeZone: string;
  logoUrl: string | undefined;
  siteUrl: string | undefined;
  privacyUrl: string | undefined;
  contactEmail: string | undefined;
  /** #rrggbb */
  accentColor: string;
  /** The deductibility sentence printed on every receipt. */
  receiptStatement: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `defaultLogLevel`: a command's own default when LOG_LEVEL is not set (a CLI keeps stderr quiet). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { defaultLogLevel?: Config['logLevel'] } = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    metricsPort: e.METRICS_PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    embeddedPostgresDir: e.EMBEDDED_POSTGRES_DIR,
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      accountId: e.STRIPE_ACCOUNT_ID,
      apiHost: e.STRIPE_API_HOST,
      apiPort: e.STRIPE_API_PORT,
      apiProtocol: e.STRIPE_API_PROTOCOL,
    },
    emulator: { port: e.STRIPE_EMULATOR_PORT, deliverWebhooks: e.STRIPE_EMULATOR_WEBHOOKS === 'on' },
    rateLimits: {
      pledgesPerMinutePerClient: e.PLEDGE_RATE_LIMIT_PER_MINUTE,
      pledgesPerMinuteGlobal: e.PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE,
      digestSignUpsPerMinutePerClient: e.DIGEST_RATE_LIMIT_PER_MINUTE,
      digestSignUpsPerMinuteGlobal: e.DIGEST_RATE_LIMIT_GLOBAL_PER_MINUTE,
    },
    donations: {
      maxAmountMajor: e.DONATION_MAX_AMOUNT,
      coverFee: { percentBps: e.COVER_FEE_PERCENT_BPS, fixed: e.COVER_FEE_FIXED },
      checkoutExpiryMinutes: e.CHECKOUT_EXPIRY_MINUTES,
    },
    embedFrameAncestors: e.EMBED_FRAME_ANCESTORS.split(/ +/),
    trustProxy: e.TRUST_PROXY,
    logLevel: env.LOG_LEVEL?.trim() ? e.LOG_LEVEL : (options.defaultLogLevel ?? e.LOG_LEVEL),
    org: {
      name: e.ORG_NAME,
      address: e.ORG_ADDRESS,
      taxId: e.ORG_TAX_ID,
      timeZone: e.ORG_TIMEZONE,
      logoUrl: e.ORG_LOGO_URL,
      siteUrl: e.ORG_SITE_URL,
      privacyUrl: e.ORG_PRIVACY_URL,
      contactEmail: e.ORG_CONTACT_EMAIL,
      accentColor: e.ORG_ACCENT_COLOR,
      receiptStatement: e.RECEIPT_STATEMENT,
    },
    email: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM ?? defaultSender(e.ORG_NAME, e.PUBLIC_URL ?? 'http://localhost'),
      enabled: e.RECEIPTS === 'on',
      manageLinkSecret: e.MANAGE_LINK_SECRET,
      digestUnsubscribeMailto: e.DIGEST_UNSUBSCRIBE_MAILTO,
    },
  };
}

/** `"Org" <receipts@host>` of the public address, quoted so that any name is a valid header. */
function defaultSender(orgName: string, publicUrl: string): string {
  const host = new URL(publicUrl).hostname;
  const domain = host.includes('.') ? host : `${host}.localdomain`;
  return `"${orgName.replace(/["\\]/g, '')}" <receipts@${domain}>`;
}

/** Whether the in-process Stripe emulator stands in for Stripe (never in production). */
export function usesStripeEmulator(config: Config): boolean {
  return config.nodeEnv !== 'production' && !config.stripe.secretKey;
}
