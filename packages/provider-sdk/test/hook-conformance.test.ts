import { fileURLToPath } from 'node:url';
import { describeHookConformance } from '../src/testing/index.js';

// The hook kit third-party authors run: against a hook that uses every case (both directions,
// credentials, all three verdicts), and against the example hooks the docs point to.
describeHookConformance('keyword-guard (both directions, with credentials)', {
  packageDir: fileURLToPath(new URL('./fixtures/hook-keyword-guard', import.meta.url)),
  config: { keyword: 'forbidden' },
  credentials: { apiKey: 'keyword-guard-key-5b1e9d0c' },
  badCredentials: { apiKey: 'not-the-guard-key-00000000' },
  outbound: [
    { name: 'plain mail', message: { from: 'ada@example.org', to: ['bob@example.net', 'Carol <loopback:carol>'], subject: 'minutes', text: 'hi' }, verdict: 'rewrite' },
    { name: 'already checked', message: { to: ['bob@example.net'], subject: 'minutes', headers: { 'x-keyword-guard': 'checked' }, text: 'hi' }, verdict: 'pass' },
    { name: 'keyword in the subject', message: { to: ['bob@example.net'], subject: 'a Forbidden offer', text: 'hi' }, verdict: 'reject' },
  ],
  inbound: [
    { name: 'plain mail', message: { recipients: [{ type: 'loopback', address: 'ada' }], subject: 'hi', text: 'hello', attachments: [{ filename: 'a.txt', content: 'x,y' }] }, verdict: 'rewrite' },
    { name: 'already checked', message: { recipients: [{ type: 'loopback', address: 'ada' }], subject: 'hi', headers: { 'X-Keyword-Guard': 'checked' }, text: 'hello' }, verdict: 'pass' },
    { name: 'keyword in the text', message: { recipients: [{ type: 'loopback', address: 'ada' }, { type: 'loopback', address: 'bob' }], text: 'forbidden words' }, verdict: 'reject' },
  ],
});

describeHookConformance('examples/custom-stack subject-tagger (outbound)', {
  packageDir: fileURLToPath(new URL('../../../examples/custom-stack/hooks/subject-tagger', import.meta.url)),
  config: { tag: '[xport]', blockedDomains: ['blocked.example'] },
  outbound: [
    { name: 'an untagged subject', message: { from: 'ada@example.org', to: ['bob@example.net'], subject: 'minutes', text: 'hi' }, verdict: 'rewrite' },
    { name: 'a blocked domain', message: { to: ['eve@blocked.example'], subject: 'offer', text: 'hi' }, verdict: 'reject' },
  ],
});

describeHookConformance('examples/smtp-relay domain-to-loopback (inbound)', {
  packageDir: fileURLToPath(new URL('../../../examples/smtp-relay/hooks/domain-to-loopback', import.meta.url)),
  config: { domain: 'example.org' },
  inbound: [
    { name: 'local domain', message: { recipients: [{ type: 'smtp', address: 'ada@example.org' }], subject: 'hi', text: 'hello' }, verdict: 'rewrite' },
    { name: 'other domain', message: { recipients: [{ type: 'smtp', address: 'bob@example.net' }], subject: 'hi', headers: { 'X-A': '1' }, text: 'hello' }, verdict: 'pass' },
  ],
});
