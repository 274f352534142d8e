/** Configuration of the webhook transport (the manifest's configSchema, defaults applied by the kernel). */
export interface WebhookConfig {
  /** A POST without an answer after this long is deferred (4.4.1, no answer: the code the kernel gives a send it times out). */
  readonly timeoutMs: number;
  /** Also POST to plain `http://` URLs — for tests on 127.0.0.1 only. */
  readonly allowHttp: boolean;
  /** Largest JSON body sent; a larger message fails permanently (5.3.4). */
  readonly maxBodyBytes: number;
  /** Only these host names; others are `not-me`, so another transport for `https` may take them. */
  readonly hosts?: readonly string[];
  /** At logon, a signed ping is POSTed here; 401/403 means the signing secret is refused. */
  readonly verifyUrl?: string;
}

export const DEFAULT_WEBHOOK_CONFIG: WebhookConfig = { timeoutMs: 10_000, allowHttp: false, maxBodyBytes: 1_048_576 };
