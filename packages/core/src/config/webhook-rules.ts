import { XportError } from '@xport/provider-sdk';
import type { WebhookSettings } from './config-schema.js';

function refuse(source: string, field: string, problem: string): never {
  throw new XportError('XPORT_CONFIG_INVALID', `${source}: field ${field} ${problem}`, { details: { source, path: field } });
}

/**
 * The rules of `webhooks` a JSON Schema cannot say: ids are unique (each has its own cursor and
 * metrics), a URL parses as http(s) without user:password (a secret in a URL would show in status and
 * logs), and a retry's first delay is not longer than its longest.
 *
 * @example
 * checkWebhookSettings(config.webhooks, '/srv/app/xport.config.json');
 */
export function checkWebhookSettings(webhooks: readonly WebhookSettings[], source: string): void {
  const seen = new Set<string>();
  webhooks.forEach((webhook, index) => {
    const at = `/webhooks/${index}`;
    if (seen.has(webhook.id)) refuse(source, `${at}/id`, `must be unique (got "${webhook.id}" twice)`);
    seen.add(webhook.id);
    let url: URL;
    try {
      url = new URL(webhook.url);
    } catch {
      refuse(source, `${at}/url`, `must be an http or https URL (it does not parse as a URL)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse(source, `${at}/url`, `must be an http or https URL (got scheme "${url.protocol}")`);
    if (url.username !== '' || url.password !== '') refuse(source, `${at}/url`, 'must not carry a user name or password: the endpoint authenticates xport by the signature');
    if (webhook.retry.minDelayMs > webhook.retry.maxDelayMs) {
      refuse(source, `${at}/retry/minDelayMs`, `must not exceed ${at}/retry/maxDelayMs (got ${webhook.retry.minDelayMs} > ${webhook.retry.maxDelayMs})`);
    }
  });
}
