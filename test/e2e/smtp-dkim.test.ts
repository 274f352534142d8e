import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import { createE2eApp, type E2eApp } from './test-app.js';
import { createLogCollector, dkimVerify, startSink, type Sink } from './smtp-sink.js';
import { recordOutput, registerSecret } from '../support/output-recorder.js';

// DKIM through a real kernel: the key comes from the kernel's credential service, the SMTP
// provider signs, the in-process relay receives, and mailauth verifies against the public key.
let app: E2eApp | undefined;
let kernel: Kernel | undefined;
let sink: Sink | undefined;

afterEach(async () => {
  await kernel?.stop();
  await sink?.close();
  await app?.cleanup();
  kernel = undefined;
  sink = undefined;
  app = undefined;
});

describe('kernel + provider-smtp DKIM', () => {
  it('signs outbound mail with the dkimPrivateKey credential so that it verifies, and the key shows nowhere', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'der' },
    });
    registerSecret('dkim private key', privateKey);
    const record = `v=DKIM1; k=rsa; p=${publicKey.toString('base64')}`;
    const resolver = async (name: string, type: string): Promise<string[][]> => {
      if (type === 'TXT' && name === 'mail._domainkey.example.org') return [record.match(/.{1,255}/g)!];
      throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    };

    sink = await startSink();
    app = await createE2eApp(['provider-smtp', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      transportOrder: ['smtp'],
      providers: { smtp: { config: { relay: { host: '127.0.0.1', port: sink.port, dkim: { domain: 'example.org', selector: 'mail' } } } } },
      spooler: { pollMs: 50 },
    });
    const { lines, logger } = createLogCollector();
    kernel = createKernel({ root: app.root, credentials: { smtp: { dkimPrivateKey: privateKey } }, env: {}, logger });
    await kernel.start();
    expect(kernel.providerState('smtp')).toBe('online');

    const receipt = await kernel.submit({ from: 'Ada <ada@example.org>', to: ['bob@example.net'], subject: 'Signed by xport', text: 'DKIM body\n' });
    await expect.poll(async () => (await kernel!.store()!.getMessage(receipt.messageId))?.recipients[0]?.state, { timeout: 15_000 }).toBe('delivered');

    const verified = await dkimVerify(sink.received[0]!.raw, { resolver });
    expect(verified.results.map((r) => [r.signingDomain, r.selector, r.status.result])).toEqual([['example.org', 'mail', 'pass']]);

    const everything = JSON.stringify(kernel.status()) + lines.join('\n');
    recordOutput('status rows', kernel.status());
    for (const line of privateKey.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(everything).not.toContain(line);
  });
});
