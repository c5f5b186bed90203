// The one place the standalone emulator (`npm run emulator`, src/cli.ts) reads process.env: one
// zod schema, parsed once at start, every bad value named at once. The in-process emulator the app
// starts takes its options from the app's own config instead.
import { z } from 'zod';

const emptyToUndefined = (value: unknown) => (value === '' || (typeof value === 'string' && value.trim() === '') ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyToUndefined, schema.optional());
const YES = ['on', 'true', '1', 'yes'];
const NO = ['off', 'false', '0', 'no'];
const lower = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const onOff = z.preprocess(
  (value) => lower(value) || 'on',
  z.string().refine((v) => YES.includes(v) || NO.includes(v), 'must be on or off').transform((v) => YES.includes(v)),
);
/** Opt-in switch: only a yes turns it on; anything else leaves it off, as before. */
const optIn = z.preprocess(lower, z.unknown().transform((v) => typeof v === 'string' && YES.includes(v)));
const RETRY_DELAYS = 'must be comma-separated non-negative integers';
const DUPLICATES = 'must be a number between 0 and 5';
const PORT = 'must be an integer between 0 and 65535';
const IN_FLIGHT = 'must be an integer between 1 and 256';

const envSchema = z.object({
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  STRIPE_EMULATOR_PORT: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ error: PORT }).int(PORT).min(0, PORT).max(65535, PORT).default(12111),
  ),
  STRIPE_EMULATOR_HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  STRIPE_EMULATOR_PUBLIC_URL: optional(z.url()),
  STRIPE_WEBHOOK_SECRET: optional(z.string()),
  STRIPE_EMULATOR_WEBHOOKS: onOff,
  STRIPE_EMULATOR_WEBHOOK_URLS: z.preprocess(
    (value) => String(value ?? '').split(',').map((u) => u.trim()).filter(Boolean),
    z.array(z.url({ error: 'holds an invalid URL' })),
  ),
  // Test knobs (the chaos run's): all off unless set.
  STRIPE_EMULATOR_RETRY_DELAYS_MS: optional(
    z.string().transform((raw) => raw.split(',').map((d) => Number(d.trim()))).pipe(
      z.array(z.number({ error: RETRY_DELAYS }).int(RETRY_DELAYS).min(0, RETRY_DELAYS)),
    ),
  ),
  STRIPE_EMULATOR_DUPLICATE_RATE: z.preprocess(emptyToUndefined, z.coerce.number({ error: DUPLICATES }).min(0, DUPLICATES).max(5, DUPLICATES).default(0)),
  STRIPE_EMULATOR_REORDER: optIn,
  STRIPE_EMULATOR_MAX_IN_FLIGHT: optional(z.coerce.number({ error: IN_FLIGHT }).int(IN_FLIGHT).min(1, IN_FLIGHT).max(256, IN_FLIGHT)),
});

export interface EmulatorCliConfig {
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  port: number;
  host: string;
  publicUrl: string | undefined;
  /** Unset: the CLI makes one and logs it for the apps. */
  webhookSecret: string | undefined;
  deliverWebhooks: boolean;
  webhookUrls: string[];
  retryDelaysMs: number[] | undefined;
  chaos: { duplicate: number; reorder: boolean };
  maxInFlight: number | undefined;
}

export class EmulatorConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid emulator configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EmulatorConfigError';
  }
}

export function loadEmulatorConfig(env: NodeJS.ProcessEnv = process.env): EmulatorCliConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new EmulatorConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
    logLevel: e.LOG_LEVEL,
    port: e.STRIPE_EMULATOR_PORT,
    host: e.STRIPE_EMULATOR_HOST,
    publicUrl: e.STRIPE_EMULATOR_PUBLIC_URL,
    webhookSecret: e.STRIPE_WEBHOOK_SECRET,
    deliverWebhooks: e.STRIPE_EMULATOR_WEBHOOKS,
    webhookUrls: e.STRIPE_EMULATOR_WEBHOOK_URLS,
    retryDelaysMs: e.STRIPE_EMULATOR_RETRY_DELAYS_MS,
    chaos: { duplicate: e.STRIPE_EMULATOR_DUPLICATE_RATE, reorder: e.STRIPE_EMULATOR_REORDER },
    maxInFlight: e.STRIPE_EMULATOR_MAX_IN_FLIGHT,
  };
}
