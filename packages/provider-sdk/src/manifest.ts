/** The `"xport"` field of a provider package's `package.json`. Documented field by field in docs/manifest.md. */
export interface ProviderManifest {
  readonly manifestVersion: 1;
  /** Unique provider id: lowercase letters, digits and dashes. */
  readonly id: string;
  readonly kind: ProviderKind;
  /** Module inside the package that default-exports the provider, e.g. `./dist/provider.js`. */
  readonly entry: string;
  /** Semver range of the kernel API this provider supports, e.g. `^1.0.0`. */
  readonly kernel: string;
  /** Address types a transport registers for (required for `transport`). */
  readonly addressTypes?: readonly string[];
  readonly capabilities?: readonly string[];
  readonly description?: string;
  /** Credentials the provider needs. It can only ever read the ones listed here. */
  readonly credentials?: Readonly<Record<string, CredentialDeclaration>>;
  /** JSON Schema for the provider's configuration; defaults in it are applied. */
  readonly configSchema?: Readonly<Record<string, unknown>>;
  /**
   * Hooks only. `true`: while this hook is not online, messages pass it with a warning. Default
   * `false`: they are refused (`XPORT_HOOK_UNAVAILABLE`), so a policy that failed to load never lets
   * everything through.
   */
  readonly advisory?: boolean;
}

export type ProviderKind = 'transport' | 'store' | 'hook';

export interface CredentialDeclaration {
  readonly required: boolean;
  readonly description: string;
}

export const MANIFEST_VERSION = 1;
export const PROVIDER_ID_PATTERN = '^[a-z][a-z0-9-]{0,62}$';
/**
 * Credential names are lowerCamelCase: no underscore, no leading capital. That is what makes their
 * environment variable names (`toEnvCredentialName`) unique: `apiKey` and `api_key` or `APIKEY`
 * would otherwise all read `…__API_KEY`/`…__APIKEY` and could be handed each other's value.
 */
export const CREDENTIAL_NAME_PATTERN = '^[a-z][a-zA-Z0-9]{0,63}$';

/**
 * JSON Schema (draft 2020-12 subset understood by ajv) for {@link ProviderManifest}.
 * The kernel validates every manifest against it, with all errors reported, before loading any code.
 */
export const manifestSchema = {
  $id: 'https://xport.dev/schemas/manifest-v1.json',
  type: 'object',
  additionalProperties: false,
  required: ['manifestVersion', 'id', 'kind', 'entry', 'kernel'],
  properties: {
    manifestVersion: { const: 1 },
    id: { type: 'string', pattern: PROVIDER_ID_PATTERN },
    kind: { enum: ['transport', 'store', 'hook'] },
    entry: { type: 'string', minLength: 1, maxLength: 512 },
    kernel: { type: 'string', minLength: 1, maxLength: 256, format: 'semver-range' },
    description: { type: 'string', maxLength: 1024 },
    addressTypes: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
    },
    capabilities: {
      type: 'array',
      maxItems: 64,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,63}$' },
    },
    credentials: {
      type: 'object',
      maxProperties: 64,
      propertyNames: { pattern: CREDENTIAL_NAME_PATTERN },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['required', 'description'],
        properties: {
          required: { type: 'boolean' },
          description: { type: 'string', maxLength: 1024 },
        },
      },
    },
    configSchema: { type: 'object' },
    advisory: { type: 'boolean' },
  },
  allOf: [
    {
      if: { properties: { kind: { const: 'transport' } }, required: ['kind'] },
      then: { required: ['addressTypes'] },
    },
    {
      // Only a hook judges messages: on another kind the field would promise something it cannot do.
      if: { properties: { kind: { not: { const: 'hook' } } }, required: ['kind'] },
      then: { properties: { advisory: false } },
    },
  ],
} as const;
