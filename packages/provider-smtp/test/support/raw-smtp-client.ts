import { connect, type Socket } from 'node:net';

/** A line-level SMTP client for sending exactly the bytes a test wants (bare LF, control characters). */
export class RawSmtpClient {
  private buffer = '';
  private waiting: ((reply: string) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.flush();
    });
  }

  static async open(port: number): Promise<{ client: RawSmtpClient; greeting: string }> {
    const socket = connect(port, '127.0.0.1');
    const client = new RawSmtpClient(socket);
    const greeting = await client.reply();
    return { client, greeting };
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

  /** Writes raw bytes (add the CRLF yourself) and waits for the reply. */
  async send(bytes: string): Promise<string> {
    this.socket.write(Buffer.from(bytes, 'latin1'));
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }
}
