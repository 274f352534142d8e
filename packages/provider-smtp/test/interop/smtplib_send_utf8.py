"""A foreign SMTP client for international mail: smtplib sending an RFC 6532 message with SMTPUTF8.

Usage: python3 smtplib_send_utf8.py PORT SPEC_JSON

SPEC_JSON names what to send: {"from", "to": [...], "subject", "headers": {...}, "text",
"attachment": {"filename", "hex"}}. The message is generated with the SMTPUTF8 policy, so every
header goes on the wire as raw UTF-8 (no RFC 2047 encoded words) and the text body as 8bit. Because
a recipient address is non-ASCII, smtplib adds SMTPUTF8 and BODY=8BITMIME to MAIL FROM itself and
refuses to send at all when the server does not advertise SMTPUTF8.

Prints {"smtputf8": <advertised>, "refused": {...}, "sent": "<the message bytes, hex>"} as JSON.
"""
import json
import smtplib
import sys
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr

spec = json.loads(sys.argv[2])

msg = EmailMessage(policy=policy.SMTPUTF8)
msg['From'] = spec['from']
msg['To'] = ', '.join(spec['to'])
msg['Subject'] = spec['subject']
for name, value in spec['headers'].items():
    msg[name] = value
msg.set_content(spec['text'], cte='8bit')
attachment = spec['attachment']
msg.add_attachment(bytes.fromhex(attachment['hex']), maintype='application', subtype='octet-stream', filename=attachment['filename'])

sent = msg.as_bytes(policy=policy.SMTPUTF8)
with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10) as client:
    client.ehlo('python.client.test')
    advertised = client.has_extn('smtputf8')
    refused = client.send_message(msg, from_addr=parseaddr(spec['from'])[1], to_addrs=[parseaddr(a)[1] for a in spec['to']])
    print(json.dumps({'smtputf8': advertised, 'refused': refused, 'sent': sent.hex()}), flush=True)
