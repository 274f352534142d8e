"""Reads a delivery status notification (RFC 3464) from standard input with Python's email package,
the way a remote sender's mail client would, and prints what it found as JSON.

Usage: python3 dsn_read.py < message.eml
"""
import json
import sys
from email import message_from_bytes, policy

msg = message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
parts = msg.get_payload() if msg.is_multipart() else []
status = next((p for p in parts if p.get_content_type() == 'message/delivery-status'), None)
headers = next((p for p in parts if p.get_content_type() == 'text/rfc822-headers'), None)
blocks = status.get_payload() if status is not None else []
fields = lambda block: {name: str(value) for name, value in block.items()}
returned = message_from_bytes(headers.get_payload(decode=True), policy=policy.default) if headers is not None else None
print(json.dumps({
    'contentType': msg.get_content_type(),
    'reportType': msg.get_param('report-type'),
    'from': str(msg['From']),
    'to': str(msg['To']),
    'subject': str(msg['Subject']),
    'autoSubmitted': str(msg['Auto-Submitted']),
    'parts': [p.get_content_type() for p in parts],
    'text': parts[0].get_content() if parts else None,
    'perMessage': fields(blocks[0]) if blocks else None,
    'perRecipient': [fields(b) for b in blocks[1:]],
    'returnedMessageId': str(returned['Message-ID']) if returned is not None else None,
}))
