import { describe, expect, it } from 'vitest';
import { XportError } from '@xport/provider-sdk';
import { EXIT_CODES, toExitCode } from '../src/exit-codes.js';

describe('toExitCode', () => {
  it('exits EX_CONFIG (78) for a store built against another MessageStore contract: a restart cannot fix it', () => {
    expect(toExitCode(new XportError('XPORT_STORE_INCOMPATIBLE', 'the store lacks complete()'))).toBe(EXIT_CODES.config);
    expect(toExitCode(new XportError('XPORT_STORE_NOT_CONFIGURED', 'no store'))).toBe(78);
  });

  it('exits 1 when no daemon runs for a command that asks one', () => {
    expect(toExitCode(new XportError('XPORT_DAEMON_NOT_RUNNING', 'no daemon'))).toBe(EXIT_CODES.failure);
  });
});
