"""A foreign SMTP client for the DSN tests (RFC 3461): smtplib giving MAIL FROM and RCPT TO parameters.

Usage:
  python3 smtplib_dsn.py send PORT   sends MAIL FROM:<a@x.test> RET=HDRS ENVID=abc,
                                     RCPT TO:<b@y.test> NOTIFY=SUCCESS ORCPT=rfc822;b+2Bdesk@y.test
  python3 smtplib_dsn.py bad PORT    tries parameters the listener must refuse
Prints JSON: whether the server advertised DSN, and the replies it gave.
"""
import json
import smtplib
import sys
from email import policy
from email.message import EmailMessage

mode, port = sys.argv[1], int(sys.argv[2])
replies = {}
with smtplib.SMTP('127.0.0.1', port, timeout=10) as client:
    client.ehlo('python.client.test')
    advertised = client.has_extn('dsn')
    if mode == 'send':
        msg = EmailMessage()
        msg['From'] = 'A <a@x.test>'
        msg['To'] = 'b@y.test'
        msg['Subject'] = 'DSN please'
        msg['Message-ID'] = '<dsn-1@x.test>'
        msg.set_content('Tell me when it arrives.\n')
        replies['mail'] = client.mail('a@x.test', ['RET=HDRS', 'ENVID=abc'])
        # ORCPT in xtext: "+2B" is "+".
        replies['rcpt'] = client.rcpt('b@y.test', ['NOTIFY=SUCCESS', 'ORCPT=rfc822;b+2Bdesk@y.test'])
        replies['data'] = client.data(msg.as_bytes(policy=policy.SMTP))
    else:
        bad_rcpt = {
            'never-and-success': ['NOTIFY=NEVER,SUCCESS'],
            'unknown-keyword': ['NOTIFY=SOMETIMES'],
            'keyword-twice': ['NOTIFY=SUCCESS,SUCCESS'],
            'orcpt-no-type': ['ORCPT=b@y.test'],
            'orcpt-too-long': ['ORCPT=rfc822;' + 'b' * 500 + '@y.test'],
            'notify-twice': ['NOTIFY=SUCCESS', 'NOTIFY=DELAY'],
        }
        bad_mail = {'ret-body': ['RET=BODY'], 'envid-too-long': ['ENVID=' + 'e' * 101]}
        for name, params in bad_mail.items():
            client.rset()
            replies[name] = client.mail('a@x.test', params)
        for name, params in bad_rcpt.items():
            client.rset()
            client.mail('a@x.test')
            replies[name] = client.rcpt('b@y.test', params)
print(json.dumps({'dsn': advertised, 'replies': {k: [code, text.decode()] for k, (code, text) in replies.items()}}), flush=True)
