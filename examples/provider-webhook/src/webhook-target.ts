import { outcome, type RecipientOutcome } from '@xport/provider-sdk';
import type { WebhookConfig } from './config.js';

/** A recipient URL the transport may POST to, or the outcome that settles it without a request. */
export type WebhookTarget = { readonly url: URL; readonly shown: string } | { readonly settled: RecipientOutcome };

/** The URL as diagnostics show it: no user info, no query (either may carry a token). */
export function showUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Checks a recipient address (`https://host/path`) against the configuration. */
export function toWebhookTarget(address: string, config: WebhookConfig): WebhookTarget {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return { settled: outcome.failed('5.1.3', `webhook: recipient address is not a URL (expected https://host/path)`) };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && config.allowHttp)) {
    const why = url.protocol === 'http:' ? 'plain http is refused unless the configuration sets allowHttp' : `protocol ${url.protocol} is not supported`;
    return { settled: outcome.failed('5.1.3', `webhook: ${showUrl(url)}: ${why}`) };
  }
  if (config.hosts !== undefined && !config.hosts.includes(url.hostname)) return { settled: outcome.notMe() };
  return { url, shown: showUrl(url) };
}
