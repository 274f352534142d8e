import { describe, expect, it } from 'vitest';
import { COMMAND_LOADERS, commandNameOf } from '../src/command-loaders.js';
import { createProgram } from '../src/program.js';
import { createRootProgram } from '../src/program-root.js';
import type { CliIO } from '../src/output.js';

const silentIO: CliIO = { stdout: () => undefined, stderr: () => undefined, cwd: process.cwd(), env: {}, interactive: false };

describe('COMMAND_LOADERS', () => {
  it('names every command createProgram registers, and no other', () => {
    const names = createProgram(silentIO, () => undefined).commands.map((command) => command.name());
    expect(Object.keys(COMMAND_LOADERS).sort()).toEqual([...names].sort());
  });

  it('loads, for each name, the registration of the command of that name', async () => {
    for (const [name, load] of Object.entries(COMMAND_LOADERS)) {
      const { program, context } = createRootProgram(silentIO, () => undefined);
      (await load())(program, context);
      expect(program.commands.map((command) => command.name())).toEqual([name]);
    }
  });
});

describe('commandNameOf', () => {
  it('finds the command after the global options', () => {
    expect(commandNameOf(['status'])).toBe('status');
    expect(commandNameOf(['queue', 'hold', '--all'])).toBe('queue');
    expect(commandNameOf(['--root', 'status', 'queue'])).toBe('queue');
    expect(commandNameOf(['--root=app', 'new', 'provider', 'x'])).toBe('new');
  });

  it('is undefined when the whole program must answer: help, no command, an unknown command or option', () => {
    expect(commandNameOf([])).toBeUndefined();
    expect(commandNameOf(['--help'])).toBeUndefined();
    expect(commandNameOf(['help', 'status'])).toBeUndefined();
    expect(commandNameOf(['statu'])).toBeUndefined();
    expect(commandNameOf(['--bogus', 'status'])).toBeUndefined();
    expect(commandNameOf(['--root'])).toBeUndefined();
    expect(commandNameOf(['toString'])).toBeUndefined();
  });
});
