import { describe, expect, it } from 'vitest';
import { runBench } from './run-bench.js';

// bench/smtp.bench.mjs at a tiny size (the real one sends 3,000 messages a path, six warm-up runs,
// three rounds): every path in a child process of its own against its own smtp-server sink, and for
// each the whole process's CPU a message and the rate that CPU would allow on this machine's cores.
describe('pnpm bench smtp (tiny)', () => {
  it('measures every path against raw nodemailer and what each needs of the whole machine', { timeout: 240_000 }, async () => {
    const run = await runBench('smtp', { SMTP_BENCH_MESSAGES: '60', SMTP_BENCH_WARM_RUNS: '0', SMTP_BENCH_ROUNDS: '1' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/!!!/);
    const labels = ['raw nodemailer', 'raw nodemailer + bare durable SQLite journal', 'raw nodemailer + the journal in a worker thread', 'xport kernel + smtp, memory store', 'provider send() alone', 'xport kernel + smtp, SQLite store', 'xport kernel + smtp, SQLite commitWindowMs 2'];
    for (const label of labels) {
      const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(run.stdout).toMatch(new RegExp(`whole process, ${escaped}: \\d+ us CPU/msg, [\\d.]+ of \\d+ cores busy; CPU-bound ceiling \\d+ msgs/s = [\\d.]+x raw's rate`));
      const cpu = run.figures.find((f) => f.name === `${label}: process CPU a message`);
      expect(cpu?.value, `${label}: process CPU a message`).toBeGreaterThan(0);
      expect(run.figures.find((f) => f.name === `${label}: CPU-bound ceiling / raw nodemailer`)).toMatchObject({ bench: 'smtp', kind: 'ratio' });
    }
    expect(run.figures.find((f) => f.name === 'messages not delivered')?.value).toBe(0);
  });
});
