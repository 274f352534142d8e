import type { Command } from 'commander';
import { createKernel, loadConfig, type DiscoveryReport } from '@xport/core';
import { appRoot, createConsoleLogger, openKernel } from '../app.js';
import type { CliIO } from '../output.js';
import { printJson, renderTable } from '../output.js';
import type { CommandContext } from '../program.js';

interface Finding {
  readonly severity: 'error' | 'ok';
  readonly subject: string;
  readonly code: string;
  readonly message: string;
}

/** Everything wrong with an application's configuration, manifests and credentials (names only). */
export function toFindings(report: DiscoveryReport): Finding[] {
  const findings: Finding[] = [];
  for (const e of report.configErrors) findings.push({ severity: 'error', subject: 'xport.config.json', code: e.code, message: e.message });
  for (const e of report.problems) findings.push({ severity: 'error', subject: 'discovery', code: e.code, message: e.message });
  for (const p of report.providers) {
    for (const e of p.errors) findings.push({ severity: 'error', subject: p.id || p.packageName, code: e.code, message: e.message });
  }
  for (const c of report.credentialProblems) {
    findings.push({ severity: 'error', subject: c.provider ? `${c.provider}.${c.credential ?? ''}` : 'credentials', code: c.code, message: c.message });
  }
  return findings;
}

/**
 * Loads and logs on every valid, enabled hook, the way `xport send` and the daemon do, and reports
 * each that does not come online: while it is down, the messages it would judge are refused. The
 * kernel runs without a store (doctor writes nothing) and without transports (it sends nothing).
 */
async function checkHooks(root: string, io: CliIO, report: DiscoveryReport): Promise<Finding[]> {
  const hooks = new Set(report.providers.filter((p) => p.kind === 'hook' && p.enabled && p.status === 'ok').map((p) => p.id));
  // Hooks that discovery refused are already findings; an invalid configuration file stops here.
  if (hooks.size === 0 || report.configErrors.length > 0) return [];
  const config = loadConfig(root);
  const kernel = createKernel({ root, env: io.env, logger: createConsoleLogger(io, 'silent'), config: { ...config, store: {} } });
  try {
    await kernel.start({ spool: false });
    return kernel
      .status()
      .filter((row) => hooks.has(row.id) && row.state !== 'online')
      .map((row) => ({
        severity: 'error' as const,
        subject: row.id,
        code: row.lastError?.code ?? 'XPORT_HOOK_UNAVAILABLE',
        message: `hook "${row.id}" did not come online when loaded (state ${row.state})${row.lastError ? `: ${row.lastError.message}` : ''}`,
      }));
  } finally {
    await kernel.stop();
  }
}

/**
 * `xport doctor [--json]`: validates config, manifests and required credentials, and loads hooks;
 * exit 1 when anything is wrong.
 */
export function registerDoctor(program: Command, context: CommandContext): void {
  program
    .command('doctor')
    .description('check configuration, provider manifests, required credentials (values are never printed) and that every hook loads')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { io } = context;
      const root = appRoot(io, context.globals());
      const report = await openKernel(root, io).discover();
      const findings = [...toFindings(report), ...(await checkHooks(root, io, report))];
      const ok = findings.length === 0;
      if (options.json) {
        printJson(io, { ok, root: report.root, kernelApiVersion: report.kernelApiVersion, providers: report.providers.length, findings });
      } else if (ok) {
        io.stdout(`ok: ${report.providers.length} provider(s), configuration, credentials and hooks valid (kernel API ${report.kernelApiVersion})\n`);
      } else {
        io.stdout(renderTable(['subject', 'code', 'problem'], findings.map((f) => [f.subject, f.code, f.message])));
        io.stdout(`${findings.length} problem(s) found\n`);
      }
      if (!ok) context.setExit(1);
    });
}
