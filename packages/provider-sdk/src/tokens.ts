/**
 * Dependency-injection tokens for kernel services. They live in the global symbol registry, so a
 * provider that brings its own copy of the SDK still resolves the kernel's services.
 *
 * @example
 * constructor(@inject(XportTokens.Credentials) private readonly credentials: CredentialView) {}
 */
export const XportTokens = {
  /** {@link MessageStore} — the active message store. */
  Store: Symbol.for('xport.MessageStore'),
  /** {@link CredentialView} — this provider's credentials only. */
  Credentials: Symbol.for('xport.CredentialService'),
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
