"""A remote MTA returning a bounce: smtplib sends an RFC 3464 delivery status notification, as
Postfix writes one, with the null reverse path MAIL FROM:<>.

Usage: python3 dsn_send.py PORT RCPT ORIGINAL_MESSAGE_ID   (prints the refused recipients as JSON)
"""
import json
import smtplib
import sys
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

port, rcpt, original = int(sys.argv[1]), sys.argv[2], sys.argv[3]

report = MIMEMultipart('report', report_type='delivery-status')
report['From'] = 'MAILER-DAEMON@mx.remote.test (Mail Delivery System)'
report['To'] = rcpt
report['Subject'] = 'Undelivered Mail Returned to Sender'
report['Auto-Submitted'] = 'auto-replied'
report.attach(MIMEText('This is the mail system at host mx.remote.test.\n\nI\'m sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n'))

status = MIMEBase('message', 'delivery-status')
per_message = Message()
per_message['Reporting-MTA'] = 'dns; mx.remote.test'
per_message['Original-Envelope-Id'] = 'xport-env-1'
per_message['Arrival-Date'] = 'Wed, 1 Jan 2025 12:00:00 +0000'
per_recipient = Message()
per_recipient['Final-Recipient'] = 'rfc822; nobody@remote.test'
per_recipient['Action'] = 'failed'
per_recipient['Status'] = '5.1.1'
per_recipient['Diagnostic-Code'] = 'smtp; 550 5.1.1 <nobody@remote.test>: Recipient address rejected: User unknown'
status.set_payload([per_message, per_recipient])
report.attach(status)

returned = MIMEBase('text', 'rfc822-headers')
returned.set_payload('From: ada@example.org\nTo: nobody@remote.test\nSubject: hello\nMessage-ID: %s\n' % original)
report.attach(returned)

with smtplib.SMTP('127.0.0.1', port, timeout=10) as client:
    client.ehlo('mx.remote.test')
    # send_message writes CRLF line ends; from_addr '' is the null reverse path.
    refused = client.send_message(report, from_addr='', to_addrs=[rcpt])
    print(json.dumps({'refused': refused}), flush=True)
