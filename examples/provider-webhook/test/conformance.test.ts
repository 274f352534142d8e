import { fileURLToPath } from 'node:url';
import { describeTransportConformance } from '@xport/provider-sdk/testing';
import { startWebhookServer } from './support/webhook-server.js';

// The same kit any third-party author runs: a real kernel loads this package's built dist/ through
// discovery and POSTs to a real HTTP server on 127.0.0.1.
const SECRET = 'conformance-signing-secret-91c2';

describeTransportConformance('xport-provider-webhook', async () => {
  const server = await startWebhookServer(SECRET);
  const to = (path: string, host = '127.0.0.1') => `https:${server.origin.replace('127.0.0.1', host)}${path}`;
  return {
    packageDir: fileURLToPath(new URL('..', import.meta.url)),
    config: { allowHttp: true, timeoutMs: 5_000, hosts: ['127.0.0.1'], verifyUrl: `${server.origin}/verify` },
    credentials: { signingSecret: SECRET },
    badCredentials: { signingSecret: 'a-signing-secret-the-server-refuses' },
    from: 'loopback:shop',
    deliver: [to('/ok/orders'), `Audit <${to('/ok/audit')}>`],
    fail: [to('/gone')],
    defer: [to('/busy')],
    notMine: [to('/ok/other-host', 'localhost')],
    deliveredTo: () => server.received.filter((p) => p.signed).map((p) => to(p.path)),
    close: () => server.close(),
  };
});
