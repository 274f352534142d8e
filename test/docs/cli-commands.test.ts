import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProgram, runCli, type CliIO } from '@xport/cli';
import { createE2eApp, PACKAGES, type E2eApp } from '../e2e/test-app.js';
import { recordOutput } from '../support/output-recorder.js';
import { commandsOf, toSimpleCommands, xportArguments, type DocCommand } from './doc-commands.js';
import { readPage, REPO, userPages } from './user-pages.js';

// Every command the docs show is checked against the real CLI, so a renamed option or a command
// that does not exist (`xport stop`) fails here: each `xport …` line of a ```sh block and each
// `xport …` code span is parsed by the real commander program (its actions replaced), and the
// README's quick start is run for real against a copy of examples/hello.

const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');
const SCRIPTS = Object.keys((JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
// pnpm's own commands the docs use; any other `pnpm <name>` runs the root package.json script <name>.
const PNPM_COMMANDS = ['install', 'i', 'add', 'exec', 'dlx', 'run'];
// A prose mention may leave out what the command needs ("`xport new provider` writes …"), and a
// synopsis names its values (`--limit N`) instead of giving them; a line of a shell block does neither.
const INCOMPLETE = ['commander.missingArgument', 'commander.optionMissingArgument', 'commander.missingMandatoryOptionValue'];
const PLACEHOLDER = 'commander.invalidArgument';

/** Whether a parse error is what the command's kind of text allows. */
function allowed(command: DocCommand, code: string): boolean {
  if (command.kind === 'block') return false;
  return INCOMPLETE.includes(code) || (command.synopsis && code === PLACEHOLDER);
}

function captureIO(cwd: string): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stdout = (s: string) => void ((out += s), recordOutput('cli stdout', s));
  const stderr = (s: string) => void ((err += s), recordOutput('cli stderr', s));
  return { stdout, stderr, cwd, env: {}, interactive: false, out: () => out, err: () => err };
}

/** Parses `args` with the CLI's real program, every action replaced; resolves with the commander error code, if any. */
async function parseWithRealProgram(args: readonly string[]): Promise<{ code: string; message: string } | undefined> {
  const program = createProgram(captureIO(REPO), () => undefined);
  program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  const stubActions = (command: typeof program): void => {
    for (const sub of command.commands) {
      if (sub.commands.length === 0) sub.action(() => undefined);
      else stubActions(sub);
    }
  };
  stubActions(program);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return undefined;
  } catch (error) {
    const { code, message } = error as { code?: unknown; message: string };
    if (typeof code !== 'string' || !code.startsWith('commander.')) throw error;
    // A command group named alone (`xport new`) shows its help: a mention of the group, not a mistake.
    return code === 'commander.helpDisplayed' || code === 'commander.help' || code === 'commander.version' ? undefined : { code, message };
  }
}

function allCommands(): DocCommand[] {
  return userPages().flatMap(commandsOf);
}

describe('commands shown in the docs', () => {
  it('every xport command of the README and the docs parses with the real CLI', async () => {
    const shown = allCommands().filter((c) => xportArguments(c.words) !== undefined);
    // The quick start, the reference's synopses and a mention in the prose are among them.
    expect(shown.map((c) => `${c.page}: ${c.text}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^README\.md: pnpm xport --root examples\/hello send /),
        'docs/cli.md: xport inbox <mailbox> [--json] [--unread] [--limit N]',
        'docs/cli.md: xport status | head -1',
      ]),
    );
    const wrong: string[] = [];
    for (const command of shown) {
      const problem = await parseWithRealProgram(xportArguments(command.words)!);
      if (problem !== undefined && !allowed(command, problem.code)) {
        wrong.push(`${command.page}: \`${command.text}\`: ${problem.message.trim()}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the check refuses a command the CLI does not have, an unknown option and a missing argument', async () => {
    expect(await parseWithRealProgram(['stop'])).toMatchObject({ code: 'commander.unknownCommand' });
    expect(await parseWithRealProgram(['send', '--to', 'loopback:a', '--subjekt', 'x'])).toMatchObject({ code: 'commander.unknownOption' });
    expect(await parseWithRealProgram(['abort'])).toMatchObject({ code: 'commander.missingArgument' });
    expect(await parseWithRealProgram(['--root', '.', 'inbox', 'loopback:you', '--json'])).toBeUndefined();
  });

  it('every `pnpm <name>` the docs show is a pnpm command or a script of the root package.json', () => {
    const unknown = allCommands()
      .filter((c) => c.words[0] === 'pnpm' && c.words[1] !== undefined && !c.words[1].startsWith('-'))
      .filter((c) => !PNPM_COMMANDS.includes(c.words[1]!) && !SCRIPTS.includes(c.words[1]!))
      .map((c) => `${c.page}: \`${c.text}\`: no script "${c.words[1]}"`);
    expect(unknown).toEqual([]);
  });

  it('every `node <script>` the docs show runs a file of the repository', () => {
    const missing = allCommands()
      // `node -e <code>` runs code given inline, not a file.
      .filter((c) => c.words[0] === 'node' && !c.words.includes('-e') && !c.words.includes('--eval'))
      .map((c) => ({ c, script: c.words.slice(1).find((w) => !w.startsWith('-')) }))
      .filter(({ script }) => script === undefined || !existsSync(join(REPO, script)))
      .map(({ c, script }) => `${c.page}: \`${c.text}\`: no file ${script}`);
    expect(missing).toEqual([]);
  });
});

describe('the README quick start, run as written', () => {
  let app: E2eApp | undefined;
  afterEach(async () => app?.cleanup());

  it('`pnpm start` runs the example daemon; the second terminal sends, reads the message back and shows the status', async () => {
    const hello = join(REPO, 'examples', 'hello');
    app = await createE2eApp(['cli', 'provider-loopback', 'store-sqlite'], JSON.parse(readFileSync(join(hello, 'xport.config.json'), 'utf8')));
    const onApp = (args: readonly string[]): string[] => args.map((arg, i) => (args[i - 1] === '--root' && arg === 'examples/hello' ? app!.root : arg));

    // `pnpm start` is the root script `pnpm build && node packages/cli/dist/bin.js --root examples/hello start`.
    const script = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
    const daemonArgs = toSimpleCommands(script)
      .map(xportArguments)
      .find((args) => args !== undefined);
    expect(daemonArgs).toEqual(['--root', 'examples/hello', 'start']);
    const daemon = spawn(process.execPath, [BIN, ...onApp(daemonArgs!)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    daemon.stderr.on('data', (chunk) => {
      log += String(chunk);
      recordOutput('daemon stderr', String(chunk));
    });
    daemon.stdout.on('data', (chunk) => recordOutput('daemon stdout', String(chunk)));
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', resolve));
    try {
      await expect.poll(() => log, { timeout: 30_000 }).toContain('xport daemon running');
      const secondTerminal = commandsOf(readPage('README.md')).filter((c) => c.kind === 'block' && xportArguments(c.words)?.includes('examples/hello'));
      expect(secondTerminal.map((c) => xportArguments(c.words)![2])).toEqual(['send', 'inbox', 'status']);
      for (const command of secondTerminal) {
        const args = onApp(xportArguments(command.words)!);
        if (args[2] === 'inbox') {
          // "send a message and read it back": the daemon delivers it; the inbox then shows it.
          await expect.poll(() => log, { timeout: 30_000 }).toContain('delivered');
        }
        const io = captureIO(REPO);
        const code = await runCli(args, io);
        expect({ command: command.text, code, err: io.err() }).toEqual({ command: command.text, code: 0, err: '' });
        if (args[2] === 'inbox') expect(JSON.parse(io.out()).map((entry: { text: string }) => entry.text)).toEqual(['hello, xport']);
        if (args[2] === 'status') expect(io.out()).toMatch(/daemon running \(pid \d+\)[\s\S]*loopback[\s\S]*online/);
      }
    } finally {
      daemon.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 120_000);
});
