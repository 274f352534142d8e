import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './test-app.js';

// Runs examples/smtp-relay/run.mjs as a user would, so the example cannot rot. It takes a few
// seconds on an idle machine and several times that on a loaded one (starting Node, loading the
// kernel and the providers): the kill after 120 s is only a safety net against a hung example.
const SAFETY_NET_MS = 120_000;

function runExample(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['run.mjs'], { cwd: join(REPO, 'examples', 'smtp-relay'), stdio: ['ignore', 'pipe', 'pipe'], timeout: SAFETY_NET_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('examples/smtp-relay', () => {
  it("takes inbound SMTP mail for its domain into a loopback mailbox, relays a loopback user's mail out, and returns one DSN to a remote sender whose forwarded mail the relay partly refuses", { timeout: SAFETY_NET_MS + 30_000 }, async () => {
    const run = await runExample();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^kernel online: domain-to-loopback, loopback, smtp, store-sqlite; SMTP listener on 127\.0\.0\.1:\d+, relay sink on 127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^inbound: grace@elsewhere\.test -> ada@example\.org, listener replied "250 2\.0\.0 Ok: queued as [0-9a-f-]+", stored in mailbox loopback:ada \(subject "Hello Ada \(inbound\)", received by smtp\)$/);
    expect(lines[2]).toBe(
      'outbound: loopback:ada -> bob@remote.test, routed to provider smtp, relay sink got MAIL FROM:<ada@example.org> RCPT TO:<bob@remote.test> (subject "Hello Bob (outbound)"), spooler event bob@remote.test delivered',
    );
    // SMTP in, SMTP out: one good and two bad recipients yield exactly one RFC 3464 DSN to the remote
    // sender over SMTP, with MAIL FROM:<>, naming the envelope id the sender gave, listing both failures.
    expect(lines[3]).toBe(
      'forward: zed@elsewhere.test -> team@example.org -> bob@remote.test, nobody@remote.test, ghost@remote.test; relay took RCPT TO:<bob@remote.test> and refused 2; ' +
        '1 DSN to RCPT TO:<zed@elsewhere.test> with MAIL FROM:<> (multipart/report; report-type=delivery-status) for envelope zed-1 listing nobody@remote.test 5.1.1, ghost@remote.test 5.1.1',
    );
  });
});
