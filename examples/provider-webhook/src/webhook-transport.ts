import {
  outcome,
  XportError,
  type AssignedRecipient,
  type Clock,
  type CredentialView,
  type Logger,
  type OutboundMessage,
  type RecipientOutcome,
  type TransportProvider,
} from '@xport/provider-sdk';
import type { WebhookConfig } from './config.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhookBody } from './signature.js';
import { BodyTooLarge, toWebhookBody, toWebhookContent } from './webhook-body.js';
import { classifyResponse } from './webhook-response.js';
import { showUrl, toWebhookTarget } from './webhook-target.js';

export interface WebhookOptions {
  readonly providerId: string;
  readonly config: WebhookConfig;
  readonly credentials: CredentialView;
  readonly logger: Logger;
  readonly clock: Clock;
}

const MIN_SECRET_LENGTH = 16;
const USER_AGENT = 'xport-provider-webhook/0.1.0';

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : (error as Error).name || 'network error';
}

/**
 * The webhook transport: each recipient `https:<url>` gets one signed JSON POST. 2xx is delivered,
 * 4xx failed (5.0.0 with the status and a body excerpt), 5xx, 408, 429 and time-outs deferred
 * (honouring Retry-After). The signing secret is revealed only to compute HMACs.
 */
export function createWebhookTransport(options: WebhookOptions): TransportProvider {
  const { providerId, config, credentials, logger, clock } = options;

  const signingSecret = (): string => {
    const secret = credentials.require('signingSecret').reveal();
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new XportError('XPORT_LOGON_FAILED', `${providerId}: credential "signingSecret" must be at least ${MIN_SECRET_LENGTH} characters (got ${secret.length})`, {
        details: { provider: providerId, credential: 'signingSecret' },
      });
    }
    return secret;
  };

  async function post(url: URL, body: string, secret: string, signal: AbortSignal): Promise<Response> {
    const timestamp = Math.floor(clock.now() / 1000);
    return fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs)]),
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhookBody(secret, timestamp, body),
      },
      body,
    });
  }

  async function deliverOne(recipient: AssignedRecipient, body: () => string, secret: string, signal: AbortSignal): Promise<RecipientOutcome> {
    const target = toWebhookTarget(recipient.recipient.address, config);
    if ('settled' in target) return target.settled;
    const json = body();
    if (Buffer.byteLength(json) > config.maxBodyBytes) {
      return outcome.failed('5.3.4', `webhook: the JSON body for ${target.shown} is larger than maxBodyBytes (${config.maxBodyBytes})`);
    }
    try {
      const response = await post(target.url, json, secret, signal);
      return await classifyResponse(response, target.shown, clock.now());
    } catch (error) {
      if (signal.aborted) return outcome.deferred({ code: '4.4.1', diagnostic: `webhook: POST to ${target.shown} was aborted by the kernel` });
      if ((error as Error).name === 'TimeoutError') {
        return outcome.deferred({ code: '4.4.1', diagnostic: `webhook: ${target.shown} did not answer within ${config.timeoutMs} ms` });
      }
      return outcome.deferred({ code: '4.4.1', diagnostic: `webhook: POST to ${target.shown} failed (${describeNetworkError(error)})` });
    }
  }

  return {
    async logon() {
      const secret = signingSecret();
      if (config.verifyUrl === undefined) return;
      const url = new URL(config.verifyUrl);
      let response: Response;
      try {
        response = await post(url, JSON.stringify({ type: 'xport.verify', provider: providerId }), secret, new AbortController().signal);
      } catch (error) {
        throw new XportError('XPORT_PROVIDER_UNAVAILABLE', `${providerId}: verifyUrl ${showUrl(url)} could not be reached (${describeNetworkError(error)})`, { details: { provider: providerId } });
      }
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 401 || response.status === 403) {
        throw new XportError('XPORT_LOGON_FAILED', `${providerId}: verifyUrl ${showUrl(url)} refused the signature made with "signingSecret" (HTTP ${response.status})`, {
          details: { provider: providerId, credential: 'signingSecret' },
        });
      }
      if (response.status < 200 || response.status >= 300) {
        throw new XportError('XPORT_PROVIDER_UNAVAILABLE', `${providerId}: verifyUrl ${showUrl(url)} answered HTTP ${response.status}, expected 2xx`, { details: { provider: providerId } });
      }
    },

    async send(message: OutboundMessage, recipients: readonly AssignedRecipient[], { signal }) {
      let content;
      try {
        content = await toWebhookContent(message, config.maxBodyBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLarge)) throw error;
        return outcome.failed('5.3.4', `webhook: message is larger than maxBodyBytes (${config.maxBodyBytes})`);
      }
      const secret = signingSecret();
      const outcomes = await Promise.all(recipients.map((r) => deliverOne(r, () => toWebhookBody(content, r.recipient), secret, signal)));
      logger.debug('webhook posts', { messageId: message.id, recipients: recipients.length, delivered: outcomes.filter((o) => o.status === 'delivered').length });
      return outcomes;
    },
  };
}
