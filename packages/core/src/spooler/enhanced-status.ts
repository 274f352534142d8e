/**
 * Enhanced status codes (RFC 3463) the spooler itself writes into recipient errors and reports,
 * so NDRs read the same whichever transport was involved. Codes, not a state of the spooler.
 */
export const SpoolerEnhancedStatus = {
  /** No transport handles the recipient's address type (bad destination address). */
  noTransport: '5.1.2',
  /** Every transport for the address type answered not-me (unable to route). */
  noTransportAccepted: '5.4.4',
  /** The message outlived the retry lifetime (RFC 3463 X.4.7, delivery time expired). Postfix reports expiry as 4.4.7 too. */
  expired: '4.4.7',
  /** The transport threw, or its send was aborted for a reason other than a timeout. */
  transportError: '4.3.0',
  /**
   * The transport did not answer within `sendTimeoutMs` (RFC 3463 X.4.1, no answer from host): one
   * attempt's timeout, retried. Not 4.4.7, which is the message's lifetime running out.
   */
  timeout: '4.4.1',
  /** The transport returned something that is not one outcome per recipient. */
  badOutcome: '4.3.0',
  /** A deferral without a code of its own. */
  deferred: '4.0.0',
} as const;

/**
 * @deprecated Renamed {@link SpoolerEnhancedStatus}: it holds RFC 3463 enhanced status codes, not a
 * status of the spooler. Kept for code written against the earlier name.
 */
export const SpoolerStatus = SpoolerEnhancedStatus;
