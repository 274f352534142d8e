// How many recipients one message may have. One definition for the kernel (submit, and a hook's
// reroute) and for the test kits that build messages at the limit.

/**
 * Most recipients one message may have: to, cc and bcc together, at submit and after an outbound
 * hook's rewrite.
 *
 * @example
 * if (to.length + cc.length + bcc.length > MAX_RECIPIENTS) refuse();
 */
export const MAX_RECIPIENTS = 10_000;
