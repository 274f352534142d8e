/** The part of smtp-server's SMTPConnection this needs: it writes every reply through `send`. */
export interface ReplyingConnection {
  send(code: number, data?: string | string[] | null, context?: string | false): void;
}

const TOO_MANY_ERRORS = '4.7.0 Too many errors, closing connection';

/**
 * Closes a connection with `421 4.7.0` (smtp-server closes after any 421) once it has been refused
 * `maxErrors` commands: every 5xx reply counts, whoever wrote it (the listener's own checks, or
 * smtp-server's syntax and sequence errors), so 500 refused RCPTs or endless garbage cannot hold a
 * connection. 4xx replies do not count: they are the listener's own trouble (the store, a hook) or
 * "send the rest later" (too many recipients), not the client's mistake.
 */
export function limitRefusedCommands(connection: ReplyingConnection, maxErrors: number, onLimit: (errors: number) => void): void {
  const send = connection.send.bind(connection);
  let errors = 0;
  connection.send = (code, data, context) => {
    send(code, data, context);
    if (code < 500 || code > 599) return;
    errors += 1;
    if (errors !== maxErrors) return;
    onLimit(errors);
    send(421, TOO_MANY_ERRORS);
  };
}
