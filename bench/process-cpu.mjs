// Loaded with `node --import` into a process a bench times as a whole (the CLI): when it exits, it
// writes the CPU time it used (user + system, milliseconds) to the file XPORT_BENCH_CPU_FILE names.
// On a machine other processes keep busy, the wall clock measures them too; the CPU time does not.
import { writeFileSync } from 'node:fs';

const file = process.env.XPORT_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, String((user + system) / 1000));
  });
}
