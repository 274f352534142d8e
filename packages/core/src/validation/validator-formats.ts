import validRange from 'semver/ranges/valid.js';

/**
 * The formats of xport's own schemas that ajv-formats does not define: `semver-range` (the
 * manifest's `kernel` field). The generated validators read them from here; `createAjv` adds them
 * to a runtime compiler.
 */
export const validatorFormats = {
  'semver-range': { type: 'string', validate: (value: string): boolean => validRange(value) !== null },
} as const;
