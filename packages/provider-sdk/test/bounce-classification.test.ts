import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOUNCE_RULES, classifyBounce } from '../src/index.js';

const classOf = (status: string, diagnostic?: string) => classifyBounce(status, diagnostic)?.class;

describe('classifyBounce', () => {
  it('classifies unknown users and domains as hard', () => {
    expect(classOf('5.1.1')).toBe('hard');
    expect(classOf('5.1.2')).toBe('hard');
    expect(classOf('5.1.10')).toBe('hard');
    expect(classOf('5.4.4')).toBe('hard');
    expect(classOf('5.2.1')).toBe('hard');
  });

  it('classifies temporary failures and a full mailbox as soft', () => {
    expect(classOf('4.2.2')).toBe('soft');
    expect(classOf('5.2.2')).toBe('soft');
    expect(classOf('4.4.7')).toBe('soft');
    // A temporary failure is soft whatever words come with it.
    expect(classOf('4.1.1', 'user unknown')).toBe('soft');
    expect(classOf('4.7.1', 'greylisted, spam check pending')).toBe('soft');
  });

  it('classifies security and policy refusals, and refusals of the sender, as policy', () => {
    expect(classOf('5.7.1', 'Message rejected as spam')).toBe('policy');
    expect(classOf('5.7.26')).toBe('policy');
    expect(classOf('5.1.8')).toBe('policy');
  });

  it('classifies problems of the message itself as other', () => {
    expect(classOf('5.3.4')).toBe('other');
    expect(classOf('5.6.7')).toBe('other');
    expect(classOf('5.5.2')).toBe('other');
  });

  it('decides an unspecific code by the diagnostic, else by its class digit', () => {
    expect(classOf('5.0.0', '550 Requested action not taken: mailbox unavailable')).toBe('hard');
    expect(classOf('5.0.0', '552 Mailbox full')).toBe('soft');
    expect(classOf('5.0.0', '554 Your IP is on a blocklist')).toBe('policy');
    expect(classOf('5.0.0', '550 Administrative prohibition')).toBe('other');
    expect(classOf('5.0.0')).toBe('other');
    expect(classOf('4.0.0')).toBe('soft');
    expect(classOf('not a status', 'no such user here')).toBe('hard');
  });

  it('is no bounce for a success', () => {
    expect(classifyBounce('2.0.0')).toBeUndefined();
    expect(classifyBounce('2.1.5')).toBeUndefined();
  });

  it('has a row for every class, and each row is reached by its own status', () => {
    expect(new Set(BOUNCE_RULES.map((r) => r.class))).toEqual(new Set(['hard', 'soft', 'policy', 'other']));
    for (const rule of BOUNCE_RULES) {
      const probe = rule.status.replace(/\*/g, '99');
      expect(classifyBounce(probe)?.meaning, rule.status).toBe(rule.meaning);
    }
  });
});

describe('docs/reports.md', () => {
  it('shows the classification table exactly as BOUNCE_RULES has it, in order', () => {
    const page = readFileSync(new URL('../../../docs/reports.md', import.meta.url), 'utf8');
    const rows = page.split('\n').filter((line) => /^\| `[245]\.[0-9*]+\.[0-9*]+` \|/.test(line));
    expect(rows).toEqual(BOUNCE_RULES.map((r) => `| \`${r.status}\` | ${r.class} | ${r.meaning} |`));
  });
});
