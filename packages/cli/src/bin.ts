#!/usr/bin/env node
import { runCli } from './program.js';
import { processIO } from './output.js';

process.exitCode = await runCli(process.argv.slice(2), processIO());
