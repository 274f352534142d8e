import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

/** What the relay offers in its EHLO reply, as far as xport needs to know before a send. */
export interface RelayCapabilities {
  /** RFC 6531: the relay takes non-ASCII addresses and UTF-8 headers. */
  readonly smtpUtf8: boolean;
  /** RFC 3461: the relay takes NOTIFY, ORCPT, RET and ENVID and reports from then on. */
  readonly dsn: boolean;
}

// The same test nodemailer applies to the EHLO reply before it adds SMTPUTF8 to MAIL FROM.
const SMTPUTF8 = /[ -]SMTPUTF8\b/im;
// Likewise for DSN, before it adds NOTIFY/ORCPT/RET/ENVID.
const DSN = /[ -]DSN\b/im;

/**
 * Asks the relay what it offers: connects as the pool would (TLS included, so the EHLO that counts
 * is the one after STARTTLS), reads the EHLO reply and says QUIT, without logging on. nodemailer's
 * pool keeps that reply to itself, and a client must not send a UTF-8 address to a relay that does
 * not offer SMTPUTF8 (RFC 6531 §3.2), so the provider asks once, when a message first needs it.
 * Bounded by the connection's own time-outs; rejects with nodemailer's connection error.
 */
export function probeRelayCapabilities(options: SMTPConnection.Options): Promise<RelayCapabilities> {
  return new Promise((resolve, reject) => {
    const connection = new SMTPConnection({ ...options, logger: false, debug: false });
    let settled = false;
    const settle = (error: Error | undefined, capabilities?: RelayCapabilities): void => {
      if (settled) return;
      settled = true;
      if (error) {
        connection.close();
        reject(error);
      } else {
        connection.quit();
        resolve(capabilities as RelayCapabilities);
      }
    };
    connection.on('error', (error: Error) => settle(error));
    connection.once('end', () => settle(Object.assign(new Error('relay closed the connection before its EHLO reply'), { code: 'ECONNECTION' })));
    connection.connect(() => {
      const ehlo = typeof connection.lastServerResponse === 'string' ? connection.lastServerResponse : '';
      settle(undefined, { smtpUtf8: SMTPUTF8.test(ehlo), dsn: DSN.test(ehlo) });
    });
  });
}
