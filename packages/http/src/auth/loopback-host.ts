import { isIP } from 'node:net';

/**
 * True when `host` only accepts connections from this machine: `localhost`, an IPv4 address in
 * 127.0.0.0/8, `::1`, or an IPv4-mapped loopback address. A name other than `localhost` may resolve
 * anywhere, so it counts as not loopback; so do the wildcards `0.0.0.0` and `::`.
 *
 * @example
 * isLoopbackHost('127.0.0.1') // true
 * isLoopbackHost('0.0.0.0')   // false
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  if (lower === 'localhost') return true;
  const version = isIP(lower);
  if (version === 4) return lower.startsWith('127.');
  if (version === 6) {
    if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    return mapped !== null && mapped[1]!.startsWith('127.');
  }
  return false;
}
