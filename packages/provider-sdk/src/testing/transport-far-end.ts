import { parseRecipient, toMailboxKey } from '../address.js';
import type { TestKernel } from './test-kernel.js';
import type { TransportSuiteContext } from './transport-context.js';

/** A recipient's text form as a mailbox key (`Bob <bob@example.net>` → `smtp:bob@example.net`). */
export const key = (text: string): string => toMailboxKey(parseRecipient(text));

export function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** What the far end has received so far, counted by mailbox key; undefined when the suite cannot see it. */
export async function farEnd(ctx: TransportSuiteContext, harness: TestKernel): Promise<Map<string, number> | undefined> {
  const observe = ctx.options().deliveredTo;
  return observe ? countBy((await observe(harness)).map(key)) : undefined;
}
