import { KNOWN_SECRETS, MIN_REGISTERED_SECRET_LENGTH } from './known-secrets.js';
import { findSecretLeaks, type NamedSecret, type SecretLeak } from './leak-scanner.js';

/** One piece of output the leak check will scan, and where it came from. */
interface Recorded {
  readonly source: string;
  readonly text: string;
}

interface RecorderState {
  records: Recorded[];
  bytes: number;
  /** Leaks found early, when the buffer was full and a chunk was scanned on arrival instead of kept. */
  early: Array<SecretLeak & { source: string }>;
  extra: Map<string, string>;
  count: number;
}

// Kept on globalThis so the setup file and every module of a test file share one recorder.
const KEY = Symbol.for('xport.test.outputRecorder');
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

function state(): RecorderState {
  const g = globalThis as Record<symbol, RecorderState | undefined>;
  return (g[KEY] ??= { records: [], bytes: 0, early: [], extra: new Map(), count: 0 });
}

/** Every secret the check looks for: the fixed {@link KNOWN_SECRETS} and those registered at run time. */
export function knownSecrets(): NamedSecret[] {
  const fixed = Object.entries(KNOWN_SECRETS).map(([name, value]) => ({ name, value }));
  return [...fixed, ...[...state().extra].map(([value, name]) => ({ name, value }))];
}

/**
 * Adds a secret value a test uses that is not one of {@link KNOWN_SECRETS} (e.g. a password a test
 * file defines itself). Values shorter than {@link MIN_REGISTERED_SECRET_LENGTH} are ignored: they
 * would match innocent output.
 */
export function registerSecret(name: string, value: string): void {
  if (value.length >= MIN_REGISTERED_SECRET_LENGTH && !Object.values<string>(KNOWN_SECRETS).includes(value)) state().extra.set(value, name);
}

/** Removes a value added with {@link registerSecret}. */
export function unregisterSecret(value: string): void {
  state().extra.delete(value);
}

/**
 * Hands a piece of output — a log line, a CLI output, a status row, an error message, a child
 * process's stream — to the leak check. Objects are JSON-serialized (as a log sink would).
 *
 * @example
 * recordOutput('cli stdout', out);
 * recordOutput('status', kernel.status());
 */
export function recordOutput(source: string, output: unknown): void {
  let text: string;
  try {
    text = typeof output === 'string' ? output : (JSON.stringify(output) ?? String(output));
  } catch {
    text = String(output);
  }
  const s = state();
  s.count += 1;
  if (s.bytes + text.length > MAX_BUFFERED_BYTES) {
    for (const leak of findSecretLeaks(text, knownSecrets())) s.early.push({ ...leak, source });
    return;
  }
  s.records.push({ source, text });
  s.bytes += text.length;
}

/** How many pieces of output were recorded since the last {@link forgetRecordedOutput}. */
export function recordedOutputCount(): number {
  return state().count;
}

/** Scans everything recorded against every known secret (including ones registered after the output). */
export function findRecordedLeaks(): Array<SecretLeak & { source: string }> {
  const s = state();
  const secrets = knownSecrets();
  const leaks = [...s.early];
  for (const record of s.records) for (const leak of findSecretLeaks(record.text, secrets)) leaks.push({ ...leak, source: record.source });
  return leaks;
}

/** Empties the recorder (between test files, and after the scanner's own self-test). */
export function forgetRecordedOutput(): void {
  const s = state();
  s.records = [];
  s.bytes = 0;
  s.early = [];
  s.count = 0;
}

/** The failure message of the leak check, one line per leak. */
export function describeLeaks(leaks: ReadonlyArray<SecretLeak & { source: string }>): string {
  const lines = leaks.slice(0, 20).map((l) => `- secret "${l.secret}" (${l.encoding}) in ${l.source}: …${l.excerpt.replace(/\s+/g, ' ')}…`);
  if (leaks.length > 20) lines.push(`- and ${leaks.length - 20} more`);
  return `leak check: ${leaks.length} occurrence(s) of a known secret in test output\n${lines.join('\n')}`;
}
