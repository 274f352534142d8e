import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createPinoLogger, SecretRedactor } from '../src/index.js';

function sink(lines: string[]): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
}

describe('logging', () => {
  it('writes JSON lines with child bindings and masks known secrets anywhere in the line', () => {
    const redactor = new SecretRedactor();
    redactor.add('hunter2');
    redactor.add('quote"secret');
    const lines: string[] = [];
    const logger = createPinoLogger({ level: 'info', redactor, destination: sink(lines) });
    logger.child({ provider: 'smtp' }).warn('password hunter2 refused', { nested: { detail: ['x', 'also hunter2'] }, other: 'quote"secret' });
    logger.debug('below the level');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 40, provider: 'smtp', msg: 'password [redacted] refused', nested: { detail: ['x', 'also [redacted]'] }, other: '[redacted]' });
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain('secret');
  });

  it('masks the longer of two overlapping secrets whole', () => {
    const redactor = new SecretRedactor();
    redactor.add('abc');
    redactor.add('abcdef');
    expect(redactor.redact('x abcdef y abc')).toBe('x [redacted] y [redacted]');
  });

  it('hands fields on untouched while no secret is known, and masks them once one is', () => {
    const redactor = new SecretRedactor();
    const fields = { provider: 'loopback', nested: { to: 'loopback:ada' } };
    // Every log call passes its fields through here, at every level: no copy when there is nothing to mask.
    expect(redactor.redactDeep(fields)).toBe(fields);
    redactor.add('ada');
    expect(redactor.redactDeep(fields)).toEqual({ provider: 'loopback', nested: { to: 'loopback:[redacted]' } });
    expect(fields.nested.to).toBe('loopback:ada');
  });

  it('is silent at level silent', () => {
    const lines: string[] = [];
    createPinoLogger({ level: 'silent', redactor: new SecretRedactor(), destination: sink(lines) }).error('nothing');
    expect(lines).toEqual([]);
  });
});
