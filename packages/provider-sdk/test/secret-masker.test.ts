import { describe, expect, it } from 'vitest';
import { SecretMasker } from '../src/index.js';
import { toPercentDecoded, toJsonUnescaped, toOriginalSpan } from '../src/secret-text-views.js';
import { toBase64Cores } from '../src/secret-base64-forms.js';

const USER = 'ada@example.org';
const PASSWORD = 'pä ss/wörd+"q"\\😀';
const b64 = (text: string | Buffer): string => Buffer.from(text as string).toString('base64');

function maskerFor(...values: string[]): SecretMasker {
  const masker = new SecretMasker();
  for (const value of values) masker.addSecret(value);
  return masker;
}

describe('SecretMasker: text forms', () => {
  const masker = maskerFor(PASSWORD);
  it.each([
    ['as is', PASSWORD],
    ['JSON-escaped', JSON.stringify(PASSWORD).slice(1, -1)],
    ['JSON-escaped twice (a JSON echo in a JSON line)', JSON.stringify(JSON.stringify(PASSWORD)).slice(1, -1)],
    ['\\u-escaped like Python json.dumps', '"p\\u00e4 ss\\/w\\u00f6rd+\\"q\\"\\\\\\ud83d\\ude00"'],
    ['encodeURIComponent', encodeURIComponent(PASSWORD)],
    ['encodeURIComponent, lower-case hex', encodeURIComponent(PASSWORD).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
    ['form encoding', new URLSearchParams({ p: PASSWORD }).toString()],
    ['partly percent-encoded', 'p%C3%A4 ss/w%c3%b6rd%2B"q"\\😀'],
    ['after a stray percent sign', `100%${encodeURIComponent(PASSWORD)}`],
    ['after a stray backslash', `C:\\${JSON.stringify(PASSWORD).slice(1, -1)}`],
  ])('masks the password %s', (_how, echo) => {
    const out = masker.mask(`535 5.7.8 rejected ${echo} (try again)`);
    expect(out).toContain('[redacted]');
    expect(out.startsWith('535 5.7.8 rejected ')).toBe(true);
    expect(out.endsWith(' (try again)')).toBe(true);
    expect(masker.contains(out)).toBe(false);
  });

  it('masks every occurrence, overlapping ones whole: one secret\u2019s tail is another\u2019s head', () => {
    const overlapping = maskerFor('passwordsuffix', 'wordsuffix-more');
    expect(overlapping.mask('x passwordsuffix-more y')).toBe('x [redacted] y');
    expect(overlapping.mask('a passwordsuffix b passwordsuffix c')).toBe('a [redacted] b [redacted] c');
  });

  it('leaves text without a secret alone', () => {
    const text = 'Yosemite: hunter 2, hunter3, aHVudGVy, %68%75nter, {"p":"hunter"}';
    expect(maskerFor('hunter2').mask(text)).toBe(text);
    expect(maskerFor('hunter2').contains(text)).toBe(false);
    expect(new SecretMasker().mask('hunter2')).toBe('hunter2');
  });

  it('copes with hostile input: long runs of escape characters against secrets made of them', () => {
    const hostile = maskerFor('\\'.repeat(40), '%'.repeat(30), '"'.repeat(20));
    const text = `${'\\'.repeat(20_000)}${'%25'.repeat(10_000)}${'\\u0022'.repeat(5_000)}`;
    expect(hostile.mask(`<${text}>`)).toBe('<[redacted]>');
  });
});

describe('SecretMasker: base64', () => {
  it('masks a value encoded on its own, in either alphabet, padded or not (a LOGIN step)', () => {
    const masker = maskerFor(USER, PASSWORD);
    for (const echo of [b64(USER), b64(PASSWORD), Buffer.from(PASSWORD).toString('base64url'), b64(PASSWORD).replace(/=+$/, '')]) {
      expect(masker.mask(`334 ${echo} .`)).toBe('334 [redacted] .');
    }
  });

  it('masks a value embedded at every offset of a blob of any framing, leaving no digit that holds its bits', () => {
    const masker = maskerFor(PASSWORD);
    for (let before = 0; before < 6; before++) {
      for (let after = 0; after < 4; after++) {
        const framing = (n: number, fill: number) => Buffer.alloc(n, fill);
        const blob = Buffer.concat([framing(before, 0x41), Buffer.from(PASSWORD), framing(after, 0x42)]);
        const out = masker.mask(`echo ${b64(blob)} end`);
        const left = out.replace(/^echo /, '').replace(/ end$/, '').split('[redacted]');
        expect(left).toHaveLength(2);
        // What is left decodes to framing only: the digits before hold the leading bytes, the digits after the trailing ones.
        const [head = '', tail = ''] = left;
        // Left are the digits made of framing bits only: before the first that holds a bit of the secret, after the last.
        const secretEnd = (before + Buffer.byteLength(PASSWORD)) * 8;
        expect(head).toBe(b64(blob).slice(0, Math.floor((before * 8) / 6)));
        // Padding right after the secret's last digit goes with it.
        expect(tail).toBe(b64(blob).slice(Math.ceil(secretEnd / 6)).replace(/^=+/, ''));
      }
    }
  });

  it('masks a base64 echo that was itself URL-encoded or JSON-escaped', () => {
    const secret = 'ab???>>>cd-ef';
    const masker = maskerFor(secret);
    const blob = b64(`x${secret}`);
    expect(blob).toBe('eGFiPz8/Pj4+Y2QtZWY=');
    const lowerHex = encodeURIComponent(blob).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
    for (const echo of [encodeURIComponent(blob), lowerHex, blob.replace(/\//g, '\\/')]) {
      expect(masker.mask(`echo ${echo} end`)).toBe('echo e[redacted] end');
    }
  });

  it('has cores at every alignment from 3 bytes on, none below', () => {
    expect(new Set(toBase64Cores(Buffer.from('abc')).map((c) => c.digits.length))).toEqual(new Set([4, 3]));
    expect(toBase64Cores(Buffer.from('ab'))).toEqual([]);
  });
});

describe('SecretMasker: logon payloads', () => {
  const masker = new SecretMasker();
  masker.addLogon(USER, PASSWORD);
  it.each([
    ['SASL PLAIN', `\0${USER}\0${PASSWORD}`],
    ['SASL PLAIN with authzid', `${USER}\0${USER}\0${PASSWORD}`],
    ['XOAUTH2', `user=${USER}\x01auth=Bearer ${PASSWORD}\x01\x01`],
    ['HTTP Basic', `${USER}:${PASSWORD}`],
  ])('masks the %s payload whole', (_what, payload) => {
    expect(masker.mask(`535 5.7.8 ${b64(payload)} refused`)).toBe('535 5.7.8 [redacted] refused');
  });

  it('masks the payloads of a one-letter user and password, which no alignment search could', () => {
    const tiny = new SecretMasker();
    tiny.addLogon('a', 'b');
    expect(tiny.mask(`535 ${b64('\0a\0b')} / ${b64('user=a\x01auth=Bearer b\x01\x01')}`)).toBe('535 [redacted] / [redacted]');
    expect(tiny.size).toBe(1);
  });
});

describe('text views', () => {
  it('decode percent and JSON escapes tolerantly and map every unit back to where it came from', () => {
    const url = toPercentDecoded({ text: 'a%C3%A4%zz+b' }, true);
    expect(url.text).toBe('aä%zz b');
    expect(toOriginalSpan(url, 1, 2)).toEqual([1, 7]);
    const json = toJsonUnescaped({ text: 'x\\"\\u00e4\\q' });
    expect(json.text).toBe('x"ä\\q');
    expect(toOriginalSpan(json, 1, 3)).toEqual([1, 9]);
    const twice = toJsonUnescaped(toJsonUnescaped({ text: 'a\\\\u0041' }));
    expect(twice.text).toBe('aA');
    expect(toOriginalSpan(twice, 1, 2)).toEqual([1, 8]);
  });
});
