// A conformance case opens one or two real kernels, each discovering, importing and logging on a
// package: on a machine busy with other work that takes seconds, more than the 5 s vitest allows a
// test by default. These bound a case (or the author's setup) that hangs; they measure no speed.

/** Longest a conformance case may run. */
export const CASE_TIMEOUT_MS = 120_000;
/** Longest the author's setup (starting a test server) or close may take. */
export const SETUP_TIMEOUT_MS = 120_000;
