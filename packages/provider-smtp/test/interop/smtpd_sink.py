"""A foreign SMTP server for interop tests: Python's smtpd, writing each message to a directory.

Usage: python3 smtpd_sink.py OUT_DIR   (prints "PORT <n>" once listening on 127.0.0.1)
"""
import asyncore
import json
import os
import smtpd
import sys


class DirectorySink(smtpd.SMTPServer):
    def __init__(self, out_dir):
        super().__init__(('127.0.0.1', 0), None, decode_data=False)
        self.out_dir = out_dir
        self.count = 0

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        self.count += 1
        base = os.path.join(self.out_dir, 'msg-%d' % self.count)
        with open(base + '.eml', 'wb') as f:
            f.write(data)
        with open(base + '.json', 'w') as f:
            json.dump({'from': mailfrom, 'to': rcpttos}, f)
        return None


if __name__ == '__main__':
    sink = DirectorySink(sys.argv[1])
    print('PORT %d' % sink.socket.getsockname()[1], flush=True)
    asyncore.loop(timeout=0.2)
