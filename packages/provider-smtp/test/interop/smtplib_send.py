"""A foreign SMTP client for interop tests: smtplib sending a multipart message with an attachment.

Usage: python3 smtplib_send.py PORT   (prints the server's reply to the message as JSON)
"""
import json
import smtplib
import sys
from email.message import EmailMessage

msg = EmailMessage()
msg['From'] = 'Python Sender <py@sender.test>'
msg['To'] = 'Ada <ada@example.org>'
msg['Subject'] = 'Interop from smtplib — ünïcode'
msg['Message-ID'] = '<smtplib-interop-1@sender.test>'
msg['X-Interop'] = 'python-smtplib'
msg.set_content('Text body from Python.\n')
msg.add_alternative('<p>HTML body from Python.</p>', subtype='html')
msg.add_attachment(bytes(range(256)) * 40, maintype='application', subtype='octet-stream', filename='blob.bin')

with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10) as client:
    client.ehlo('python.client.test')
    refused = client.send_message(msg, from_addr='py@sender.test', to_addrs=['ada@example.org'])
    print(json.dumps({'refused': refused}), flush=True)
