"""A foreign SMTP server for interop tests: aiosmtpd, writing each message to a directory.

Python's own smtpd module is gone since Python 3.12; aiosmtpd is its successor (Debian and Ubuntu:
python3-aiosmtpd). The server offers SMTPUTF8 (RFC 6531), so internationalized mail can be tried.

Usage: python3 smtpd_sink.py OUT_DIR   (prints "PORT <n>" once listening on 127.0.0.1)

Each message becomes OUT_DIR/msg-<n>.eml (the bytes received, unchanged) and msg-<n>.json
({"from", "to", "mail_options"}: the envelope as the client gave it).
"""
import asyncio
import json
import os
import sys

from aiosmtpd.smtp import SMTP


class DirectorySink:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.out_dir, 'msg-%d' % self.count)
        with open(base + '.eml', 'wb') as f:
            f.write(envelope.original_content)
        with open(base + '.json', 'w', encoding='utf-8') as f:
            json.dump({'from': envelope.mail_from, 'to': envelope.rcpt_tos, 'mail_options': envelope.mail_options}, f, ensure_ascii=False)
        return '250 OK'


async def main(out_dir):
    sink = DirectorySink(out_dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, decode_data=False, enable_SMTPUTF8=True, hostname='sink.python.test'), '127.0.0.1', 0)
    print('PORT %d' % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == '__main__':
    asyncio.run(main(sys.argv[1]))
