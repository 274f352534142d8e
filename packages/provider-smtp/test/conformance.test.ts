import { fileURLToPath } from 'node:url';
import { describeTransportConformance } from '@xport/provider-sdk/testing';
import { createTestCertificate } from './support/certificates.js';
import { startScriptedServer } from './support/scripted-server.js';

// The kit third-party authors run, against this package's built entry (dist/) loaded by a real
// kernel, relaying to an in-process smtp-server over STARTTLS with AUTH. Every case runs: the relay
// refuses, defers and accepts by recipient, and a receive-only transport (a listener, no relay)
// answers not-me, so the next transport for smtp gets the mail.
const USERNAME = 'conformance-relay-user';
const PASSWORD = 'conformance-relay-password-7f3a9c';

describeTransportConformance('@xport/provider-smtp', async () => {
  const certificate = await createTestCertificate();
  const server = await startScriptedServer({
    server: { hideSTARTTLS: false, key: certificate.key, cert: certificate.cert, authMethods: ['PLAIN', 'LOGIN'] },
    auth: (auth) => (auth.username === USERNAME && auth.password === PASSWORD ? undefined : { code: 535, text: '5.7.8 Authentication credentials invalid' }),
    rcpt: (address) => {
      if (address.startsWith('nobody@')) return { code: 550, text: '5.1.1 No such user here' };
      if (address.startsWith('busy@')) return { code: 450, text: '4.2.1 Mailbox busy, try again later' };
      return undefined;
    },
  });
  return {
    packageDir: fileURLToPath(new URL('..', import.meta.url)),
    // The relay's timeouts are safety nets: no case waits for one to fire.
    config: {
      relay: { host: '127.0.0.1', port: server.port, ca: certificate.cert, connectionTimeoutMs: 20_000, greetingTimeoutMs: 20_000, socketTimeoutMs: 20_000 },
    },
    credentials: { username: USERNAME, password: PASSWORD },
    badCredentials: { username: USERNAME, password: 'not-the-relay-password-0000' },
    from: 'sender@example.org',
    deliver: ['ada@example.net', 'Bob <smtp:bob@example.net>'],
    fail: ['nobody@example.net'],
    defer: ['busy@example.net'],
    notMine: ['carol@example.net'],
    notMineConfig: { listen: { enabled: true, host: '127.0.0.1', port: 0 } },
    deliveredTo: () => server.received.flatMap((mail) => mail.to.map((to) => `smtp:${to}`)),
    close: () => server.close(),
  };
});
