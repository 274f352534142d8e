import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';

const CLI_DIST = join(PACKAGES, 'cli', 'dist');
const BIN = join(CLI_DIST, 'bin.js');

// A module hook that writes the URL of every module the process loads, one a line, to a file.
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, nextLoad) {
  appendFileSync(process.env.XPORT_TEST_LOADED_FILE, url + '\\n');
  return nextLoad(url, context);
}
`;

/** Runs the built `xport <args>` in the application and resolves with the CLI modules it loaded (paths under dist/). */
async function cliModulesLoadedBy(app: E2eApp, args: string[]): Promise<{ code: number | null; out: string; modules: string[] }> {
  const hooks = join(app.root, 'record-loads.mjs');
  const register = join(app.root, 'register-hooks.mjs');
  const loaded = join(app.root, 'loaded.txt');
  await writeFile(hooks, HOOKS);
  await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  await writeFile(loaded, '');
  const child = spawn(process.execPath, ['--import', pathToFileURL(register).href, BIN, ...args], {
    cwd: app.root,
    env: { ...process.env, XPORT_TEST_LOADED_FILE: loaded },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const prefix = pathToFileURL(CLI_DIST).href + '/';
  const modules = (await readFile(loaded, 'utf8'))
    .split('\n')
    .filter((url) => url.startsWith(prefix))
    .map((url) => url.slice(prefix.length));
  return { code, out, modules };
}

describe('xport start-up loads the modules of the command it runs only', () => {
  let app: E2eApp | undefined;
  afterEach(async () => app?.cleanup());

  for (const command of ['status', 'queue']) {
    it(`\`xport ${command}\` loads neither the daemon (start), nor send, nor the scaffolding (new) and its templates`, async () => {
      app = await createE2eApp([], {});
      const run = await cliModulesLoadedBy(app, [command]);
      expect(run.code).toBe(0);
      // The hook saw the command itself: the list is the process's, not an empty one.
      expect(run.modules).toContain(`commands/${command}.js`);
      const others = run.modules.filter((path) => /^commands\/(start|send|send-batch|new-[a-z-]+|scaffold-command|doctor|providers)\.js$/.test(path) || path.startsWith('templates/') || /^(daemon-publisher|daemon-shutdown|attachment-files|input-files)\.js$/.test(path));
      expect(others).toEqual([]);
    });
  }

  it('`xport --help` still loads and lists every command', async () => {
    app = await createE2eApp([], {});
    const run = await cliModulesLoadedBy(app, ['--help']);
    expect(run.modules).toEqual(expect.arrayContaining(['commands/start.js', 'commands/send.js', 'commands/new-command.js']));
    for (const name of ['start', 'status', 'send', 'queue', 'new']) expect(run.out).toMatch(new RegExp(`^  ${name} `, 'm'));
  });
});
