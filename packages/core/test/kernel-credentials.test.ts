import { afterEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKernel } from '../src/index.js';
import { createCaptureLogger, createTestApp, type TestApp } from './helpers/test-app.js';
import { KNOWN_SECRETS as K } from '../../../test/support/known-secrets.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.cleanup();
  app = undefined;
});

const TOKEN = { token: { required: false, description: 'API bearer token' } };

describe('kernel.credentials: credentials of a part of the application that is not a provider', () => {
  it('reads XPORT_<OWNER>__<NAME> and masks the value in every log line, like a provider credential', async () => {
    app = await createTestApp([]);
    const logger = createCaptureLogger();
    const kernel = createKernel({ root: app.root, env: { XPORT_HTTP__TOKEN: K.alphaToken }, logger });
    const view = await kernel.credentials('http', TOKEN);
    expect(view.declared).toEqual(['token']);
    expect(view.get('token')?.reveal()).toBe(K.alphaToken);
    logger.lines.length = 0;
    kernel.container.resolve<{ warn(m: string): void }>(Symbol.for('xport.Logger')).warn(`client sent ${K.alphaToken}`);
    expect(logger.lines.map((l) => l.message)).toEqual(['client sent [redacted]']);
  });

  it('reads the credentials file afresh on each call, and refuses names it was not given', async () => {
    app = await createTestApp([]);
    const kernel = createKernel({ root: app.root, env: {} });
    expect((await kernel.credentials('http', TOKEN)).get('token')).toBeUndefined();
    await mkdir(join(app.root, '.xport'), { recursive: true, mode: 0o700 });
    const file = join(app.root, '.xport', 'credentials.json');
    await writeFile(file, JSON.stringify({ http: { token: K.rotatedPassword } }));
    await chmod(file, 0o600);
    const view = await kernel.credentials('http', TOKEN);
    expect(view.get('token')?.reveal()).toBe(K.rotatedPassword);
    expect(() => view.get('password')).toThrow(expect.objectContaining({ code: 'XPORT_CREDENTIAL_UNDECLARED' }));
  });
});
