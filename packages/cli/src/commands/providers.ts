import type { Command } from 'commander';
import type { DiscoveryReport } from '@xport/core';
import { appRoot, openKernel } from '../app.js';
import { printJson, renderTable } from '../output.js';
import type { CommandContext } from '../program.js';

function providerRows(report: DiscoveryReport): string[][] {
  return report.providers.map((p) => [
    p.id,
    `${p.packageName}@${p.version}`,
    p.kind,
    p.addressTypes.join(', ') || '-',
    p.enabled ? p.status : `${p.status} (disabled)`,
    p.errors.map((e) => `${e.code}: ${e.message}`).join('\n') || '',
  ]);
}

/** `xport providers [--json]`: every discovered provider, its kind, address types and status. */
export function registerProviders(program: Command, context: CommandContext): void {
  program
    .command('providers')
    .description('list discovered providers with their status (ok | invalid | incompatible | failed)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { io } = context;
      const kernel = openKernel(appRoot(io, context.globals()), io);
      const report = await kernel.discover();
      if (options.json) {
        printJson(io, report.providers);
      } else if (report.providers.length === 0) {
        io.stdout(`no xport providers found under ${report.root}\n`);
      } else {
        io.stdout(renderTable(['id', 'package', 'kind', 'address types', 'status', 'errors'], providerRows(report)));
      }
      for (const problem of [...report.configErrors, ...report.problems]) io.stderr(`${problem.code}: ${problem.message}\n`);
      if (report.providers.some((p) => p.status !== 'ok')) context.setExit(1);
    });
}
