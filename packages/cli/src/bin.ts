#!/usr/bin/env node
import { runCli } from './run-cli.js';
import { processIO } from './output.js';
import { installFaultHandlers } from './process-faults.js';

const io = processIO();
// Before any command runs, so before any provider code can leave an error unhandled.
installFaultHandlers(io);
process.exitCode = await runCli(process.argv.slice(2), io);
