// The `descriptors` scenario's second process: a real kernel (the application's xport.config.json,
// its SQLite store, the SMTP provider and its listener), like `xport start` but without the CLI's
// periodic daemon.json write, so that what is measured while the process has no file descriptors
// is the listener and the kernel alone. Prints one JSON object a line (each log line, and
// {"event":"ready"}); stops cleanly on SIGTERM.
import { createKernel } from '@xport/core';

const root = process.argv[2];
const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const toLogger = (bindings) => ({
  debug: () => undefined,
  info: (message, fields) => print({ level: 'info', message, fields: { ...bindings, ...fields } }),
  warn: (message, fields) => print({ level: 'warn', message, fields: { ...bindings, ...fields } }),
  error: (message, fields) => print({ level: 'error', message, fields: { ...bindings, ...fields } }),
  child: (more) => toLogger({ ...bindings, ...more }),
});

const kernel = createKernel({ root, env: {}, logger: toLogger({}) });
await kernel.start();
print({ event: 'ready', smtp: kernel.providerState('smtp') });
process.once('SIGTERM', () => {
  kernel.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
