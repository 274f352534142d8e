import type { SuppressionStatus } from '@xport/provider-sdk';
import { toTime } from './message-views.js';

/** A suppression list entry as the API answers it (schema `Suppression`). */
export function toSuppressionView(s: SuppressionStatus): Record<string, unknown> {
  const view: Record<string, unknown> = {
    address: s.address,
    suppressed: s.suppressed,
    expiresAt: s.expiresAt === null ? null : toTime(s.expiresAt),
    manual: s.manual,
    hardBounces: s.hardBounces,
    lastBounceAt: s.lastBounceAt === null ? null : toTime(s.lastBounceAt),
    updatedAt: toTime(s.updatedAt),
  };
  if (s.lastError !== undefined) view.lastError = { code: s.lastError.code, diagnostic: s.lastError.diagnostic };
  if (s.reason !== undefined) view.reason = s.reason;
  return view;
}
