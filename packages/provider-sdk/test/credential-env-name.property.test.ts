import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_NAME_PATTERN, PROVIDER_ID_PATTERN, toEnvCredentialName } from '../src/index.js';

const providerId = fc.stringMatching(new RegExp(PROVIDER_ID_PATTERN));
const credentialName = fc.stringMatching(new RegExp(CREDENTIAL_NAME_PATTERN));

/**
 * Reads a variable name back into the (id, name) pair it was built from. That it always finds the
 * pair again is the proof that no two pairs share a variable.
 */
function fromEnvCredentialName(variable: string): { id: string; name: string } {
  const body = variable.slice('XPORT_'.length);
  const separator = body.lastIndexOf('__');
  const id = body.slice(0, separator).toLowerCase().replace(/_/g, '-');
  const name = body
    .slice(separator + 2)
    .toLowerCase()
    .replace(/_([a-z0-9])/g, (_all, letter: string) => letter.toUpperCase());
  return { id, name };
}

const camel = (words: readonly string[]): string => words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');

/**
 * Two pairs cut from one list of words at different places: `smtp-primary` + `password` and
 * `smtp` + `primaryPassword`, the very shape that collided under the 0.1 rule.
 */
const word = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
const samePieces = fc.array(word, { minLength: 3, maxLength: 6 }).chain((words) =>
  fc.uniqueArray(fc.integer({ min: 1, max: words.length - 1 }), { minLength: 2, maxLength: 2 }).map(([a, b]) => {
    const cut = (at: number) => ({ id: words.slice(0, at).join('-'), name: camel(words.slice(at)) });
    return [cut(a!), cut(b!)] as const;
  }),
);
/** One credential of a provider and another whose name differs only in the case of its letters (`apiKey`, `apikey`, `apiKEY`). */
const sameLetters = fc.tuple(providerId, credentialName, fc.array(fc.boolean(), { minLength: 64, maxLength: 64 })).map(([id, name, upper]) => {
  const recased = [...name].map((c, i) => (i > 0 && upper[i] ? c.toUpperCase() : c.toLowerCase())).join('');
  return [{ id, name }, { id, name: recased }] as const;
});

describe('credential environment variable names', () => {
  it('map every valid (provider id, credential name) pair to a variable that leads back to it alone', () => {
    fc.assert(
      fc.property(providerId, credentialName, (id, name) => {
        const variable = toEnvCredentialName(id, name);
        // A portable environment variable name (POSIX: upper case, digits, underscore).
        expect(variable).toMatch(/^XPORT_[A-Z0-9_]+$/);
        expect(fromEnvCredentialName(variable)).toEqual({ id, name });
      }),
      { numRuns: 10_000 },
    );
  });

  it('never give two different pairs one variable, also when cut from the same words or differing only in case', () => {
    const pair = fc.oneof(fc.record({ id: providerId, name: credentialName }), samePieces.map(([x]) => x));
    fc.assert(
      fc.property(fc.oneof(fc.tuple(pair, pair), samePieces, sameLetters), ([x, y]) => {
        if (x.id === y.id && x.name === y.name) return;
        expect(toEnvCredentialName(x.id, x.name)).not.toBe(toEnvCredentialName(y.id, y.name));
      }),
      { numRuns: 10_000 },
    );
  });

  it('keeps apart the pairs the 0.1 rule mixed up', () => {
    expect(toEnvCredentialName('smtp-primary', 'password')).not.toBe(toEnvCredentialName('smtp', 'primaryPassword'));
    expect(toEnvCredentialName('a', 'bC')).not.toBe(toEnvCredentialName('a', 'bc'));
    expect(toEnvCredentialName('a--b', 'c')).not.toBe(toEnvCredentialName('a', 'bC'));
    expect(toEnvCredentialName('a-', 'b')).not.toBe(toEnvCredentialName('a', 'b'));
  });
});
