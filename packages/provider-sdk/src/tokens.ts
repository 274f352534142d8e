/**
 * Dependency-injection tokens for kernel services. They live in the global symbol registry, so a
 * provider that brings its own copy of the SDK still resolves the kernel's services. Each symbol is
 * named for the type it resolves to.
 *
 * @example
 * constructor(@inject(XportTokens.Credentials) private readonly credentials: CredentialView) {}
 */
export const XportTokens = {
  /** {@link MessageStore} — the active message store. */
  Store: Symbol.for('xport.MessageStore'),
  /** {@link CredentialView} — this provider's credentials only. */
  Credentials: Symbol.for('xport.CredentialView'),
  /** {@link Logger} — scoped to this provider. */
  Logger: Symbol.for('xport.Logger'),
  /** {@link Clock}. */
  Clock: Symbol.for('xport.Clock'),
  /** This provider's validated configuration, defaults applied. */
  Config: Symbol.for('xport.ProviderConfig'),
  /** {@link ProviderInfo} — this provider's id, package and manifest. */
  ProviderInfo: Symbol.for('xport.ProviderInfo'),
  /** {@link InboundPort} — hand received messages to the kernel. */
  Inbound: Symbol.for('xport.InboundPort'),
} as const;

/**
 * Symbols earlier SDK versions used for a token, each with the token it is now. The kernel registers
 * the service under both, so a provider built against an older copy of the SDK still resolves it.
 * Providers inject the {@link XportTokens} entry; this list is for kernels.
 *
 * @example
 * for (const { symbol, now } of RENAMED_TOKENS) container.register(symbol, { useToken: now });
 */
export const RENAMED_TOKENS: ReadonlyArray<{ readonly symbol: symbol; readonly now: symbol }> = [
  // SDK 0.1 named it after the kernel's credential service, though it resolves a provider's view of it.
  { symbol: Symbol.for('xport.CredentialService'), now: XportTokens.Credentials },
];
