import { chmod, cp, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '@xport/cli';
import { PACKAGES } from './test-app.js';
import { KNOWN_SECRETS as K } from '../support/known-secrets.js';
import { recordOutput } from '../support/output-recorder.js';

const CORE_FIXTURES = join(PACKAGES, 'core', 'test', 'fixtures', 'providers');

/** An application with the credential-declaring alpha and beta fixture transports installed. */
async function createCredentialApp(): Promise<string> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'xport-cli-secrets-')));
  await mkdir(join(root, 'node_modules', '@xport'), { recursive: true });
  await symlink(join(PACKAGES, 'provider-sdk'), join(root, 'node_modules', '@xport', 'provider-sdk'), 'dir');
  await symlink(await realpath(join(PACKAGES, 'core', 'node_modules', 'tsyringe')), join(root, 'node_modules', 'tsyringe'), 'dir');
  for (const fixture of ['xport-transport-alpha', 'xport-transport-beta']) await cp(join(CORE_FIXTURES, fixture), join(root, 'node_modules', fixture), { recursive: true });
  await writeFile(join(root, 'xport.config.json'), JSON.stringify({ transportOrder: ['alpha', 'beta'] }));
  return root;
}

async function xport(root: string, args: string[], env: NodeJS.ProcessEnv) {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: (s) => void ((out += s), recordOutput('cli stdout', s)),
    stderr: (s) => void ((err += s), recordOutput('cli stderr', s)),
    cwd: root,
    env,
    interactive: false,
  };
  const code = await runCli(args, io);
  return { code, out, err };
}

describe('xport CLI with credentials in every source', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('reports which credentials are present or missing, by name, and never prints a value', async () => {
    root = await createCredentialApp();
    const file = join(root, '.xport', 'credentials.json');
    await mkdir(join(root, '.xport'), { recursive: true });
    await writeFile(file, JSON.stringify({ beta: { token: K.betaToken, apiKey: K.betaApiKey } }));
    await chmod(file, 0o644);
    const env = { XPORT_ALPHA__TOKEN: K.alphaToken, XPORT_BETA__API_KEY: K.betaApiKey };

    const doctor = await xport(root, ['doctor', '--json'], env);
    expect(doctor.code).toBe(1);
    const report = JSON.stringify(JSON.parse(doctor.out));
    expect(report).toContain('XPORT_CREDENTIAL_FILE_REFUSED');
    expect(report).toContain(`chmod 600 ${file}`);
    expect(report).toContain('XPORT_CREDENTIAL_MISSING');
    expect(report).toContain('needs credential \\"token\\"');

    await chmod(file, 0o600);
    const fixed = await xport(root, ['doctor'], env);
    const providers = await xport(root, ['providers', '--json'], env);
    expect(fixed.code).toBe(0);
    expect(JSON.parse(providers.out).map((p: { id: string; credentials: unknown }) => [p.id, p.credentials])).toEqual([
      ['alpha', [{ name: 'token', required: true, present: true }]],
      [
        'beta',
        [
          { name: 'token', required: true, present: true },
          { name: 'apiKey', required: false, present: true },
        ],
      ],
      ['store-sqlite', []],
    ]);
    const everything = [doctor, fixed, providers].map((r) => r.out + r.err).join('\n');
    for (const value of [K.alphaToken, K.betaToken, K.betaApiKey]) expect(everything).not.toContain(value);
  });
});
