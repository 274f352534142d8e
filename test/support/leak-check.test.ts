import { afterEach, describe, expect, it } from 'vitest';
import { CANARY_VARIABLE, KNOWN_SECRETS } from './known-secrets.js';
import { findSecretLeaks } from './leak-scanner.js';
import { describeLeaks, findRecordedLeaks, forgetRecordedOutput, recordedOutputCount, recordOutput, registerSecret, unregisterSecret } from './output-recorder.js';

const secret = { name: 'pw', value: 'ks-self-test-pw-0a9f3c' };
// A harmless marker the self-test prints on purpose and treats as a secret for a moment.
const MARKER = 'ks-self-test-marker-5e8d21';

afterEach(() => unregisterSecret(MARKER));

describe('leak scanner', () => {
  it('finds a secret as is, JSON-escaped, URL-encoded and base64-encoded at any alignment', () => {
    const quoted = { name: 'q', value: 'ks-"quoted"\\value/&=' };
    expect(findSecretLeaks(`login failed for pw=${secret.value}!`, [secret]).map((l) => l.encoding)).toEqual(['raw']);
    expect(findSecretLeaks(JSON.stringify({ msg: `x ${quoted.value}` }), [quoted]).map((l) => l.encoding)).toContain('json-escaped');
    expect(findSecretLeaks(`https://h/?p=${encodeURIComponent(quoted.value)}`, [quoted]).map((l) => l.encoding)).toContain('url-encoded');
    for (const prefix of ['', '\0', '\0ada\0', '\0ad\0']) {
      const plain = Buffer.from(`${prefix}${secret.value}`).toString('base64'); // SMTP AUTH PLAIN
      expect(findSecretLeaks(`C: AUTH PLAIN ${plain}`, [secret]).map((l) => l.encoding)).toEqual(['base64']);
    }
  });

  it('finds nothing in clean or redacted text, and masks the secret in its excerpt', () => {
    expect(findSecretLeaks('password [redacted] refused', [secret])).toEqual([]);
    expect(findSecretLeaks('ks-self-test-pw-0a9f3', [secret])).toEqual([]);
    const [leak] = findSecretLeaks(`before ${secret.value} after`, [secret]);
    expect(leak?.excerpt).toBe('before <pw> after');
  });

  it('catches a deliberate leak recorded from a log line, and names its source', () => {
    forgetRecordedOutput();
    recordOutput('self-test log', { level: 'error', msg: 'logon failed', fields: { nested: [`token=${KNOWN_SECRETS.alphaToken}`] } });
    const leaks = findRecordedLeaks();
    forgetRecordedOutput(); // the leak was planted: keep it out of this file's final check
    expect(leaks).toEqual([expect.objectContaining({ secret: 'alphaToken', encoding: 'raw', source: 'self-test log' })]);
    expect(describeLeaks(leaks)).toContain('secret "alphaToken" (raw) in self-test log');
    expect(describeLeaks(leaks)).not.toContain(KNOWN_SECRETS.alphaToken);
  });

  it('records what this worker writes to stdout, stderr and the console', () => {
    registerSecret('marker', MARKER);
    const before = recordedOutputCount();
    process.stdout.write(`stdout ${MARKER}\n`);
    process.stderr.write(Buffer.from(`stderr ${MARKER}\n`));
    console.log('console', { marker: MARKER });
    const sources = findRecordedLeaks().map((l) => l.source);
    forgetRecordedOutput();
    expect(recordedOutputCount()).toBe(0);
    expect(before).toBeGreaterThanOrEqual(0);
    expect(sources).toEqual(expect.arrayContaining(['process.stdout', 'process.stderr', 'console.log']));
  });

  it('gives the worker a known secret in its environment, for child processes to inherit', () => {
    expect(process.env[CANARY_VARIABLE]).toBe(KNOWN_SECRETS.environmentCanary);
  });
});
