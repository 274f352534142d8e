/**
 * What a failure says about the recipient's address: `hard` — it does not work (unknown user or
 * domain); `soft` — it may work later (temporary, mailbox full); `policy` — the receiver refused
 * this mail or this sender (spam block, authentication); `other` — the message, not the address,
 * was the problem (size, content, protocol).
 */
export type BounceClass = 'hard' | 'soft' | 'policy' | 'other';

/** One row of the classification table: an RFC 3463 status (`5.1.1`, or `5.1.*` for a whole subject). */
export interface BounceRule {
  readonly status: string;
  readonly class: BounceClass;
  readonly meaning: string;
}

/**
 * The classification table, most specific first (docs/reports.md shows it, and a test keeps the two
 * equal). Codes `x.0.0`, and a status no row matches, are decided by the diagnostic's words
 * ({@link BOUNCE_WORDS}), then by their class digit: 4 soft, 5 other.
 */
export const BOUNCE_RULES: readonly BounceRule[] = [
  { status: '5.1.1', class: 'hard', meaning: 'bad destination mailbox (user unknown)' },
  { status: '5.1.2', class: 'hard', meaning: 'bad destination system (domain unknown)' },
  { status: '5.1.3', class: 'hard', meaning: 'bad destination mailbox address syntax' },
  { status: '5.1.6', class: 'hard', meaning: 'destination mailbox has moved' },
  { status: '5.1.10', class: 'hard', meaning: 'recipient address has a null MX' },
  { status: '5.1.7', class: 'policy', meaning: 'bad sender mailbox address syntax (refused for the sender)' },
  { status: '5.1.8', class: 'policy', meaning: "bad sender's system address (refused for the sender)" },
  { status: '5.1.*', class: 'hard', meaning: 'other addressing status' },
  { status: '5.2.2', class: 'soft', meaning: 'mailbox full' },
  { status: '5.2.3', class: 'other', meaning: 'message longer than the mailbox accepts' },
  { status: '5.2.4', class: 'other', meaning: 'mailing list expansion problem' },
  { status: '5.2.*', class: 'hard', meaning: 'mailbox disabled or not accepting messages' },
  { status: '5.3.4', class: 'other', meaning: 'message too big for the system' },
  { status: '5.3.*', class: 'soft', meaning: 'mail system full or not accepting messages' },
  { status: '5.4.1', class: 'hard', meaning: 'recipient refused by the destination (no answer, access denied)' },
  { status: '5.4.4', class: 'hard', meaning: 'unable to route (no such domain)' },
  { status: '5.4.7', class: 'soft', meaning: 'delivery time expired' },
  { status: '5.4.*', class: 'soft', meaning: 'network or routing problem' },
  { status: '5.5.*', class: 'other', meaning: 'mail protocol problem' },
  { status: '5.6.*', class: 'other', meaning: 'message content or media problem' },
  { status: '5.7.*', class: 'policy', meaning: 'security or policy refusal (spam block, authentication, DMARC)' },
  { status: '4.2.2', class: 'soft', meaning: 'mailbox full' },
  { status: '4.*.*', class: 'soft', meaning: 'temporary failure' },
];

/** Words that decide an unspecific code (`5.0.0`, `4.0.0`, or none matched), first match wins. */
export const BOUNCE_WORDS: ReadonlyArray<{ readonly pattern: RegExp; readonly class: BounceClass; readonly meaning: string }> = [
  {
    pattern: /\b(user unknown|unknown (user|recipient|mailbox)|no such (user|mailbox|recipient|address)|mailbox (unavailable|not found|does not exist)|recipient (not found|rejected|does not exist)|does not exist|invalid (mailbox|recipient))\b/i,
    class: 'hard',
    meaning: 'the diagnostic says the address does not exist',
  },
  { pattern: /\b(mailbox (is )?full|over ?quota|quota exceeded|insufficient storage)\b/i, class: 'soft', meaning: 'the diagnostic says the mailbox is full' },
  {
    pattern: /\b(spam|blocked|block ?list(ed)?|black ?list(ed)?|reputation|policy|dmarc|spf)\b/i,
    class: 'policy',
    meaning: 'the diagnostic says the mail was refused by policy',
  },
];

const STATUS = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

function matches(rule: string, klass: string, subject: string, detail: string): boolean {
  const [c, s, d] = rule.split('.');
  return c === klass && (s === '*' || (s === subject && (d === '*' || d === detail)));
}

/**
 * Classifies a failure by its RFC 3463 status and, for an unspecific permanent one (`5.0.0`, or a
 * status that is not an enhanced code), its diagnostic text.
 * A success (`2.x.x`) is no bounce: undefined.
 *
 * @example
 * classifyBounce('5.1.1')                                  // { class: 'hard', meaning: 'bad destination mailbox (user unknown)' }
 * classifyBounce('5.0.0', '550 Requested action not taken: mailbox unavailable') // { class: 'hard', ... }
 * classifyBounce('4.7.1', 'greylisted')                    // { class: 'soft', meaning: 'temporary failure' }
 */
export function classifyBounce(status: string, diagnostic?: string): { readonly class: BounceClass; readonly meaning: string } | undefined {
  const code = STATUS.exec(status.trim());
  if (code !== null && code[1] === '2') return undefined;
  const [klass, subject, detail] = code === null ? [/^\s*4/.test(status) ? '4' : '5', '0', '0'] : [code[1]!, String(Number(code[2])), String(Number(code[3]))];
  // A temporary failure is soft whatever it says; a permanent x.0.0 says nothing without its words.
  if (subject !== '0' || klass === '4') {
    for (const rule of BOUNCE_RULES) if (matches(rule.status, klass, subject, detail)) return { class: rule.class, meaning: rule.meaning };
  }
  if (diagnostic !== undefined) {
    for (const words of BOUNCE_WORDS) if (words.pattern.test(diagnostic)) return { class: words.class, meaning: words.meaning };
  }
  return klass === '4' ? { class: 'soft', meaning: 'temporary failure' } : { class: 'other', meaning: 'permanent failure without a specific status' };
}
