import { createSmtpTransport, type SmtpConfig, type SmtpTransport } from '../../src/index.js';
import { createTestContext, type LogLine, type TestContext } from './provider-context.js';
import { RawSmtpClient } from './raw-smtp-client.js';

/** A running listener for one test, and what it sees; `close()` stops it and every raw client opened through it. */
export interface TestListener {
  readonly test: TestContext;
  readonly transport: SmtpTransport;
  readonly port: number;
  /** Opens a raw session from `localAddress` and returns it with its greeting (which may be a 421). */
  open(localAddress?: string): Promise<{ client: RawSmtpClient; greeting: string }>;
  /** Opens a raw session and says EHLO; fails the test unless greeted with 220 and 250. */
  session(localAddress?: string): Promise<RawSmtpClient>;
  /** Log lines whose message is `message`. */
  logged(message: string): LogLine[];
  close(): Promise<void>;
}

/** Starts the smtp transport with only its listener, serving example.org, through the provider's public factory. */
export async function startTestListener(listen: SmtpConfig['listen'] = {}, credentials: Record<string, string> = {}): Promise<TestListener> {
  const test = createTestContext({ listen: { enabled: true, port: 0, domains: ['example.org'], ...listen } }, credentials);
  const transport = createSmtpTransport(test.context);
  await transport.start?.();
  const port = transport.listenAddress()!.port;
  const clients: RawSmtpClient[] = [];
  const open = async (localAddress?: string) => {
    const opened = await RawSmtpClient.open(port, localAddress);
    clients.push(opened.client);
    return opened;
  };
  return {
    test,
    transport,
    port,
    open,
    async session(localAddress) {
      const { client, greeting } = await open(localAddress);
      if (!greeting.startsWith('220 ')) throw new Error(`expected a 220 greeting, got ${greeting}`);
      const ehlo = await client.send('EHLO client.test\r\n');
      if (!ehlo.startsWith('250')) throw new Error(`expected 250 to EHLO, got ${ehlo}`);
      return client;
    },
    logged: (message) => test.logs.filter((line) => line.message === message),
    async close() {
      for (const client of clients) client.close();
      await transport.stop?.();
    },
  };
}
