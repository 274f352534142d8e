import { createPrivateKey } from 'node:crypto';
import type DKIM from 'nodemailer/lib/dkim/index.js';
import { XportError, type CredentialView } from '@xport/provider-sdk';
import type { ResolvedDkimConfig } from './config.js';

// RFC 8301 §3.2: signers MUST use RSA keys of at least 1024 bits (2048 recommended).
const MIN_RSA_BITS = 1024;

function refused(why: string): XportError {
  // Names the credential and what is wrong with it, never any part of its value.
  return new XportError('XPORT_LOGON_FAILED', `provider "smtp": credential "dkimPrivateKey" ${why}; relay.dkim needs an RSA private key in PEM form`, {
    details: { provider: 'smtp', credential: 'dkimPrivateKey' },
  });
}

/**
 * nodemailer's `dkim` option for `relay.dkim`: the private key is read from the credential service
 * at each logon (so a rotated key is picked up) and checked here, because nodemailer signs with
 * rsa-sha256 only and silently sends a message unsigned when signing fails.
 */
export function toDkimOptions(credentials: CredentialView, dkim: ResolvedDkimConfig): DKIM.SingleKeyOptions {
  const secret = credentials.get('dkimPrivateKey');
  if (secret === undefined) throw refused('is missing');
  const privateKey = secret.reveal();
  let key;
  try {
    key = createPrivateKey(privateKey);
  } catch {
    throw refused('is not a readable PEM private key');
  }
  if (key.asymmetricKeyType !== 'rsa') throw refused(`is not an RSA key (it is ${key.asymmetricKeyType ?? 'of an unknown type'})`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw refused(`has ${bits} bits, fewer than the ${MIN_RSA_BITS} RFC 8301 requires`);
  return {
    domainName: dkim.domain,
    keySelector: dkim.selector,
    privateKey,
    ...(dkim.headers === undefined ? {} : { headerFieldNames: dkim.headers.join(':') }),
  };
}
