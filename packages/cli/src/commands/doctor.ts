import type { Command } from 'commander';
import type { DiscoveryReport } from '@xport/core';
import { appRoot, openKernel } from '../app.js';
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

/** `xport doctor [--json]`: validates config, manifests and required credentials; exit 1 when anything is wrong. */
export function registerDoctor(program: Command, context: CommandContext): void {
  program
    .command('doctor')
    .description('check configuration, provider manifests and required credentials (values are never printed)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { io } = context;
      const report = await openKernel(appRoot(io, context.globals()), io).discover();
      const findings = toFindings(report);
      const ok = findings.length === 0;
      if (options.json) {
        printJson(io, { ok, root: report.root, kernelApiVersion: report.kernelApiVersion, providers: report.providers.length, findings });
      } else if (ok) {
        io.stdout(`ok: ${report.providers.length} provider(s), configuration and credentials valid (kernel API ${report.kernelApiVersion})\n`);
      } else {
        io.stdout(renderTable(['subject', 'code', 'problem'], findings.map((f) => [f.subject, f.code, f.message])));
        io.stdout(`${findings.length} problem(s) found\n`);
      }
      if (!ok) context.setExit(1);
    });
}
