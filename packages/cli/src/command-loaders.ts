import type { RegisterCommand } from './program-root.js';

/**
 * Each top-level command's registration, loaded on demand: `xport status` loads the modules of
 * `status` only, not those of `start` (the daemon), `send` or `new` (the scaffolding templates).
 * `createProgram` registers the same commands at once; a test keeps the two lists equal.
 */
export const COMMAND_LOADERS: Readonly<Record<string, () => Promise<RegisterCommand>>> = {
  providers: async () => (await import('./commands/providers.js')).registerProviders,
  doctor: async () => (await import('./commands/doctor.js')).registerDoctor,
  start: async () => (await import('./commands/start.js')).registerStart,
  status: async () => (await import('./commands/status.js')).registerStatus,
  send: async () => (await import('./commands/send.js')).registerSend,
  queue: async () => (await import('./commands/queue.js')).registerQueue,
  message: async () => (await import('./commands/message.js')).registerMessage,
  events: async () => (await import('./commands/events.js')).registerEvents,
  inbox: async () => (await import('./commands/inbox.js')).registerInbox,
  suppression: async () => (await import('./commands/suppression.js')).registerSuppression,
  flush: async () => (await import('./commands/flush.js')).registerFlush,
  abort: async () => (await import('./commands/abort.js')).registerAbort,
  revalidate: async () => (await import('./commands/revalidate.js')).registerRevalidate,
  new: async () => (await import('./commands/new-command.js')).registerNew,
};

/** The program's options that take a value: their value is not the command's name. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--root']);

/**
 * The command `argv` runs, when it names one of `COMMAND_LOADERS` as its first operand after the
 * global options; undefined otherwise (help, an unknown command or option: the whole program answers).
 *
 * @example
 * commandNameOf(['--root', 'app', 'status', '--json']); // 'status'
 * commandNameOf(['help', 'status']); // undefined
 */
export function commandNameOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if ([...GLOBAL_OPTIONS_WITH_VALUE].some((option) => arg.startsWith(`${option}=`))) continue;
    if (arg.startsWith('-')) return undefined;
    return Object.hasOwn(COMMAND_LOADERS, arg) ? arg : undefined;
  }
  return undefined;
}
