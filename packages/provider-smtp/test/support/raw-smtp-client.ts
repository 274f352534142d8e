import { connect, type Socket } from 'node:net';

/** A line-level SMTP client for sending exactly the bytes a test wants (bare LF, control characters). */
export class RawSmtpClient {
  private buffer = '';
  private waiting: ((reply: string) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('error', () => undefined); // a reset after a 421 shows as a closed connection
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.flush();
    });
  }

  /** Connects from `localAddress` (any 127.0.0.0/8 address on Linux stands for another client) and reads the greeting. */
  static async open(port: number, localAddress?: string): Promise<{ client: RawSmtpClient; greeting: string }> {
    const socket = connect({ port, host: '127.0.0.1', ...(localAddress === undefined ? {} : { localAddress }) });
    const client = new RawSmtpClient(socket);
    const greeting = await client.reply();
    return { client, greeting };
  }

  /** Resolves once the server closed the connection (or it failed). */
  closed(): Promise<void> {
    if (this.socket.destroyed || this.socket.readableEnded) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  private flush(): void {
    const match = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(this.buffer);
    if (!match || !this.waiting) return;
    const end = match.index + match[0].length;
    const reply = this.buffer.slice(0, end).trim();
    this.buffer = this.buffer.slice(end);
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve(reply);
  }

  /** The next complete (possibly multi-line) reply. */
  reply(): Promise<string> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.flush();
    });
  }

  /** Writes raw bytes without waiting (pipelining): read the replies with {@link reply}. */
  write(bytes: string): void {
    this.socket.write(Buffer.from(bytes, 'latin1'));
  }

  /** Writes raw bytes (add the CRLF yourself) and waits for the reply. */
  async send(bytes: string): Promise<string> {
    this.socket.write(Buffer.from(bytes, 'latin1'));
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }
}
