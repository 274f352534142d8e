import { ADDRESS_TYPE_PATTERN, CREDENTIAL_NAME_PATTERN, DELIVERY_EVENT_TYPES, PROVIDER_ID_PATTERN, type DeliveryEventType } from '@xport/provider-sdk';

// The longest delay a Node timer takes; a longer one would fire at once.
const MAX_TIMER_MS = 2147483647;

/**
 * JSON Schema of `xport.config.json`. Every property has a default, so an empty file (or none) is a
 * complete configuration. Every key is documented in docs/configuration.md, which a test keeps in step.
 */
export const configSchema = {
  $id: 'https://xport.dev/schemas/config-v1.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'Editor hint; ignored by the kernel.' },
    discovery: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        nodeModules: { type: 'boolean', default: true },
        paths: { type: 'array', default: [], maxItems: 256, items: { type: 'string', minLength: 1, maxLength: 1024 } },
      },
    },
    store: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        provider: { type: 'string', pattern: PROVIDER_ID_PATTERN },
      },
    },
    transportOrder: {
      type: 'array',
      default: [],
      uniqueItems: true,
      maxItems: 1024,
      items: { type: 'string', pattern: PROVIDER_ID_PATTERN },
    },
    hookOrder: {
      type: 'array',
      default: [],
      uniqueItems: true,
      maxItems: 1024,
      items: { type: 'string', pattern: PROVIDER_ID_PATTERN },
    },
    providers: {
      type: 'object',
      default: {},
      propertyNames: { pattern: PROVIDER_ID_PATTERN },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          enabled: { type: 'boolean', default: true },
          config: { type: 'object', default: {} },
          limits: {
            type: 'object',
            additionalProperties: false,
            default: {},
            properties: {
              concurrency: { type: 'integer', minimum: 1, maximum: 1024, default: 8 },
              ratePerSecond: { type: 'number', minimum: 0, default: 0 },
              perDestination: {
                type: 'object',
                additionalProperties: false,
                default: {},
                properties: {
                  concurrency: { type: 'integer', minimum: 0, maximum: 1024, default: 0 },
                  ratePerSecond: { type: 'number', minimum: 0, default: 0 },
                  suspendAfterFailures: { type: 'integer', minimum: 0, maximum: 1000, default: 5 },
                  overrides: {
                    type: 'array',
                    default: [],
                    maxItems: 1024,
                    items: {
                      type: 'object',
                      additionalProperties: false,
                      required: ['destination'],
                      properties: {
                        destination: { type: 'string', minLength: 1, maxLength: 255 },
                        concurrency: { type: 'integer', minimum: 0, maximum: 1024 },
                        ratePerSecond: { type: 'number', minimum: 0 },
                        suspendAfterFailures: { type: 'integer', minimum: 0, maximum: 1000 },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    credentials: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        env: { type: 'boolean', default: true },
        file: { type: 'string', minLength: 1, default: '.xport/credentials.json' },
      },
    },
    logonRetry: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        minDelayMs: { type: 'integer', minimum: 1, default: 1000 },
        maxDelayMs: { type: 'integer', minimum: 1, default: 300000 },
      },
    },
    lifecycle: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        importTimeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS, default: 30000 },
        createTimeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS, default: 30000 },
        logonTimeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS, default: 120000 },
        startTimeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS, default: 120000 },
        // No default: unset, provider stops share spooler.stopTimeoutMs.
        stopTimeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS },
      },
    },
    spooler: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        leaseMs: { type: 'integer', minimum: 1000, default: 300000 },
        batchSize: { type: 'integer', minimum: 1, maximum: 10000, default: 100 },
        pollMs: { type: 'integer', minimum: 10, default: 1000 },
        sendTimeoutMs: { type: 'integer', minimum: 1, default: 120000 },
        stopTimeoutMs: { type: 'integer', minimum: 1, default: 10000 },
        maxMessageBytes: { type: 'integer', minimum: 1, default: 26214400 },
        retry: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            minDelayMs: { type: 'integer', minimum: 1, default: 300000 },
            maxDelayMs: { type: 'integer', minimum: 1, default: 4000000 },
            lifetimeMs: { type: 'integer', minimum: 1, default: 432000000 },
          },
        },
      },
    },
    reports: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        // Address types not listed get their reports in a mailbox.
        byAddressType: {
          type: 'object',
          default: { smtp: 'dsn' },
          maxProperties: 1024,
          propertyNames: { pattern: ADDRESS_TYPE_PATTERN.source },
          additionalProperties: { enum: ['dsn', 'mailbox'] },
        },
        // No default: this host's name.
        reportingMta: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$' },
        bounceMailbox: { type: 'string', minLength: 3, maxLength: 2048, default: 'xport:bounces' },
        // No default: no VERP return path is recognised.
        verp: { type: 'string', minLength: 3, maxLength: 320 },
        // 4 h: when a recipient that asked NOTIFY=DELAY gets its one delay report.
        delayAfterMs: { type: 'integer', minimum: 1, default: 14400000 },
        // Hard-bounced addresses are not sent to again (docs/reports.md#suppression-list).
        suppression: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            enabled: { type: 'boolean', default: true },
            afterHardBounces: { type: 'integer', minimum: 1, maximum: 1000, default: 1 },
            // 30 days.
            ttlMs: { type: 'integer', minimum: 1, default: 2592000000 },
          },
        },
      },
    },
    http: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: false },
        host: { type: 'string', minLength: 1, maxLength: 255, default: '127.0.0.1' },
        // 0: any free port (the daemon logs the one it got).
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8580 },
        // The web console (package @xport/console) at `/`, whenever the API is on.
        console: { type: 'boolean', default: true },
        trustProxy: { type: 'array', default: [], maxItems: 64, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 64 } },
        failedAuth: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 100000, default: 10 },
            windowMs: { type: 'integer', minimum: 1000, maximum: MAX_TIMER_MS, default: 60000 },
          },
        },
      },
    },
    // Signed HTTP callbacks for delivery events (package @xport/webhooks, docs/observability.md#webhooks).
    webhooks: {
      type: 'array',
      default: [],
      maxItems: 64,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'url', 'secret'],
        properties: {
          id: { type: 'string', pattern: PROVIDER_ID_PATTERN },
          // http(s) only; `xport start` also parses it and refuses one that does not parse.
          url: { type: 'string', minLength: 8, maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' },
          events: { type: 'array', default: [...DELIVERY_EVENT_TYPES], minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...DELIVERY_EVENT_TYPES] } },
          // The name of a credential of owner `webhooks` (XPORT_WEBHOOKS__<NAME>), never the secret itself.
          secret: { type: 'string', pattern: CREDENTIAL_NAME_PATTERN },
          enabled: { type: 'boolean', default: true },
          timeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS, default: 15000 },
          retry: {
            type: 'object',
            additionalProperties: false,
            default: {},
            properties: {
              minDelayMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS, default: 5000 },
              maxDelayMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS, default: 3600000 },
              maxAttempts: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
            },
          },
        },
      },
    },
    logLevel: { enum: ['debug', 'info', 'warn', 'error', 'silent'], default: 'info' },
  },
} as const;

export type ConfigLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface ProviderSettings {
  readonly enabled: boolean;
  readonly config: Readonly<Record<string, unknown>>;
  readonly limits: { readonly concurrency: number; readonly ratePerSecond: number; readonly perDestination: PerDestinationSettings };
}

/** `providers.<id>.limits.perDestination` (see docs/configuration.md). */
export interface PerDestinationSettings {
  readonly concurrency: number;
  readonly ratePerSecond: number;
  readonly suspendAfterFailures: number;
  readonly overrides: ReadonlyArray<{
    readonly destination: string;
    readonly concurrency?: number;
    readonly ratePerSecond?: number;
    readonly suspendAfterFailures?: number;
  }>;
}

export interface SpoolerSettings {
  readonly leaseMs: number;
  readonly batchSize: number;
  readonly pollMs: number;
  readonly sendTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly maxMessageBytes: number;
  readonly retry: { readonly minDelayMs: number; readonly maxDelayMs: number; readonly lifetimeMs: number };
}

/** Deadlines of the provider lifecycle steps (ms). */
export interface LifecycleSettings {
  readonly importTimeoutMs: number;
  readonly createTimeoutMs: number;
  readonly logonTimeoutMs: number;
  readonly startTimeoutMs: number;
  /** Unset: `spooler.stopTimeoutMs`. */
  readonly stopTimeoutMs?: number;
}

/** Where reports go and how they are written (see docs/reports.md). */
export interface ReportSettings {
  /** Per sender address type: `dsn` (a standard DSN through that type's transport) or `mailbox`; unlisted types: `mailbox`. */
  readonly byAddressType: Readonly<Record<string, 'dsn' | 'mailbox'>>;
  /** The name reports give as `Reporting-MTA` and `MAILER-DAEMON@<name>`; unset: this host's name. */
  readonly reportingMta?: string;
  /** The mailbox (a `TYPE:address` recipient) that keeps inbound bounces xport cannot correlate. */
  readonly bounceMailbox: string;
  /** A VERP return-path base address (`bounces@example.org`): DSNs to `bounces+<token>@example.org` are bounces. */
  readonly verp?: string;
  /** A recipient that asked for delay reports (NOTIFY=DELAY) and is still deferred this long after submission gets one. */
  readonly delayAfterMs: number;
  /** When hard-bounced addresses are suppressed (see docs/reports.md). */
  readonly suppression: SuppressionSettings;
}

/** The suppression list: addresses that hard-bounced are failed at submit instead of sent to. */
export interface SuppressionSettings {
  /** False: nothing is looked up at submit and no hard bounce is counted. */
  readonly enabled: boolean;
  /** Hard bounces (each within `ttlMs` of the previous one) after which an address is suppressed. */
  readonly afterHardBounces: number;
  /** How long after its last hard bounce an address stays suppressed. */
  readonly ttlMs: number;
}

/** The HTTP API `xport start` serves (package `@xport/http`); off unless `enabled`. */
export interface HttpSettings {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  /** The web console at `/` (package `@xport/console`). */
  readonly console: boolean;
  /** Addresses or CIDR ranges of reverse proxies whose `X-Forwarded-For` names the client. */
  readonly trustProxy: readonly string[];
  /** After `limit` failed authentications within `windowMs`, a client is refused (429) until the window has passed. */
  readonly failedAuth: { readonly limit: number; readonly windowMs: number };
}

/** One endpoint of `webhooks` (see docs/configuration.md#webhooks). */
export interface WebhookSettings {
  /** Names the endpoint in status, metrics and logs, and its durable cursor. */
  readonly id: string;
  /** Where events are POSTed (http or https). */
  readonly url: string;
  /** The event types sent to it; all by default. */
  readonly events: readonly DeliveryEventType[];
  /** The name of the credential (of owner `webhooks`) holding the `whsec_…` signing secret. */
  readonly secret: string;
  readonly enabled: boolean;
  /** Bound on one attempt, from connecting to the end of the answer. */
  readonly timeoutMs: number;
  /** Backoff between attempts of one event, and how many attempts before it is dropped. */
  readonly retry: { readonly minDelayMs: number; readonly maxDelayMs: number; readonly maxAttempts: number };
}

/** `xport.config.json` after validation: every default applied. */
export interface XportConfig {
  readonly discovery: { readonly nodeModules: boolean; readonly paths: readonly string[] };
  readonly store: { readonly provider?: string };
  readonly transportOrder: readonly string[];
  /** Hook ids that judge messages first, in this order; the other hooks follow in discovery order. */
  readonly hookOrder: readonly string[];
  readonly providers: Readonly<Record<string, ProviderSettings>>;
  readonly credentials: { readonly env: boolean; readonly file: string };
  readonly logonRetry: { readonly minDelayMs: number; readonly maxDelayMs: number };
  readonly lifecycle: LifecycleSettings;
  readonly spooler: SpoolerSettings;
  readonly reports: ReportSettings;
  readonly http: HttpSettings;
  readonly webhooks: readonly WebhookSettings[];
  readonly logLevel: ConfigLogLevel;
}

/** What a person may write: any key may be left out (of a webhook, all but `id`, `url` and `secret`). */
export type XportConfigInput = DeepPartial<Omit<XportConfig, 'webhooks'>> & { readonly webhooks?: readonly WebhookSettingsInput[]; readonly $schema?: string };

/** A `webhooks` entry as written: `id`, `url` and `secret`, the rest optional. */
export type WebhookSettingsInput = Pick<WebhookSettings, 'id' | 'url' | 'secret'> & DeepPartial<Omit<WebhookSettings, 'id' | 'url' | 'secret'>>;

type DeepPartial<T> = T extends readonly (infer _U)[]
  ? T
  : T extends object
    ? { -readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;
