import { createRequire } from 'node:module';
import type * as OtelApiModule from '@opentelemetry/api';
import type { Attributes, Span, SpanOptions, Tracer } from '@opentelemetry/api';

type OtelApi = typeof OtelApiModule;

/**
 * Spans for submit, each send attempt and each inbound receipt, with the OpenTelemetry messaging
 * attributes (semantic conventions for messaging: the attribute names are the spec's). Through
 * `@opentelemetry/api` only: without an SDK the application registered, every span is the API's
 * non-recording span, so these calls cost a small object each and set no attribute.
 */


export const MESSAGING_SYSTEM = 'xport';

// Attribute names of the messaging conventions, and the two xport adds.
const SYSTEM = 'messaging.system';
const OPERATION_NAME = 'messaging.operation.name';
const OPERATION_TYPE = 'messaging.operation.type';
const DESTINATION = 'messaging.destination.name';
const MESSAGE_ID = 'messaging.message.id';
const BATCH_COUNT = 'messaging.batch.message_count';
const ERROR_TYPE = 'error.type';
const RECIPIENTS = 'xport.recipients';
const OUTCOME = 'xport.outcome';
const PROVIDER = 'xport.provider';

// The API (forty-odd modules) is loaded with the first span, not with the kernel: a command that
// submits nothing never loads it. The tracer is the API's proxy, so an SDK registered later is used.
// Fixed options, built once: a span started with them allocates nothing else when no SDK records.
let otelKit: { readonly api: OtelApi; readonly tracer: Tracer; readonly submit: SpanOptions; readonly receive: SpanOptions } | undefined;

function otel(): NonNullable<typeof otelKit> {
  if (otelKit !== undefined) return otelKit;
  const api = createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
  otelKit = {
    api,
    tracer: api.trace.getTracer('@xport/core'),
    submit: { kind: api.SpanKind.PRODUCER, attributes: { [SYSTEM]: MESSAGING_SYSTEM, [OPERATION_NAME]: 'submit', [OPERATION_TYPE]: 'send', [DESTINATION]: 'outbox' } },
    receive: { kind: api.SpanKind.CONSUMER, attributes: { [SYSTEM]: MESSAGING_SYSTEM, [OPERATION_NAME]: 'receive', [OPERATION_TYPE]: 'receive', [DESTINATION]: 'inbox' } },
  };
  return otelKit;
}
// One span name and option set per transport (a handful), not a string per send.
const sendOptions = new Map<string, { name: string; options: SpanOptions }>();

function sendOptionsFor(provider: string): { name: string; options: SpanOptions } {
  let found = sendOptions.get(provider);
  if (found === undefined) {
    const attributes: Attributes = { [SYSTEM]: MESSAGING_SYSTEM, [OPERATION_NAME]: 'send', [OPERATION_TYPE]: 'send', [DESTINATION]: provider };
    found = { name: `send ${provider}`, options: { kind: otel().api.SpanKind.PRODUCER, attributes } };
    sendOptions.set(provider, found);
  }
  return found;
}

/** The low-cardinality class of an error for `error.type`: an xport code, else the error's name. */
function toErrorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' ? name : '_OTHER';
}

/** Runs `work` with `span` as the active span (so spans a store or transport starts nest under it), only when it records. */
export function inSpan<T>(span: Span, work: () => T): T {
  if (!span.isRecording()) return work();
  const { context, trace } = otel().api;
  return context.with(trace.setSpan(context.active(), span), work);
}

/**
 * Runs `work` inside `span` and ends it when the work settles: `end` with the result, or with the
 * error. A span that does not record (no SDK) costs nothing more: the work's own promise is returned.
 */
export function traced<T>(span: Span, work: () => Promise<T>, end: (span: Span, result: T) => void): Promise<T> {
  if (!span.isRecording()) return work();
  const { context, trace } = otel().api;
  const pending = context.with(trace.setSpan(context.active(), span), work);
  pending.then(
    (result) => end(span, result),
    (error: unknown) => endSpanWithError(span, error),
  );
  return pending;
}

/** Ends a span with the error the operation ended with: `error.type` and an error status. */
export function endSpanWithError(span: Span, error: unknown): void {
  if (span.isRecording()) {
    span.setAttribute(ERROR_TYPE, toErrorType(error));
    span.setStatus({ code: otel().api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

/** `submit outbox`: validation, hooks, routing and the store's write of one submitted message. */
export function startSubmitSpan(): Span {
  return otel().tracer.startSpan('submit outbox', otel().submit);
}

export function endSubmitSpan(span: Span, messageId: string, recipients: number): void {
  if (span.isRecording()) span.setAttributes({ [MESSAGE_ID]: messageId, [RECIPIENTS]: recipients });
  span.end();
}

/** `send <provider>`: one hand-over of a message to a transport (its preprocessors, then `send`). */
export function startSendSpan(provider: string, messageId: string, recipients: number): Span {
  const { name, options } = sendOptionsFor(provider);
  const span = otel().tracer.startSpan(name, options);
  if (span.isRecording()) span.setAttributes({ [MESSAGE_ID]: messageId, [RECIPIENTS]: recipients });
  return span;
}

type SendOutcome = { readonly status: string; readonly code?: string };
// Worst first: the outcome a span reports is the worst any recipient had.
const SEVERITY: Readonly<Record<string, number>> = { failed: 3, deferred: 2, 'not-me': 1, delivered: 0 };

/**
 * Ends a send span with the attempt's outcome: `delivered` when every recipient was, else the worst
 * (`failed`, `deferred`, `not-me`); a failed or deferred attempt sets `error.type` to that outcome's
 * code. `stopped`: the spooler's stop cut the attempt short.
 */
export function endSendSpan(span: Span, outcomes: readonly SendOutcome[] | 'stopped'): void {
  if (span.isRecording()) {
    if (outcomes === 'stopped') span.setAttribute(OUTCOME, 'stopped');
    else {
      let worst: SendOutcome | undefined;
      for (const outcome of outcomes) if (worst === undefined || (SEVERITY[outcome.status] ?? 0) > (SEVERITY[worst.status] ?? 0)) worst = outcome;
      const status = worst?.status ?? 'delivered';
      span.setAttribute(OUTCOME, status);
      if (status === 'failed' || status === 'deferred') {
        span.setAttribute(ERROR_TYPE, worst?.code ?? status);
        span.setStatus({ code: otel().api.SpanStatusCode.ERROR, message: `${status} by the transport` });
      }
    }
  }
  span.end();
}

/** `receive inbox`: inbound hooks and the store's write of one message a transport received. */
export function startReceiveSpan(receivedBy: string | undefined): Span {
  const span = otel().tracer.startSpan('receive inbox', otel().receive);
  if (span.isRecording() && receivedBy !== undefined) span.setAttribute(PROVIDER, receivedBy);
  return span;
}

/**
 * Ends a receive span: the inbox entry's id as the message id when there is one entry, the count
 * when there are several; `rejected` when an inbound hook refused the message.
 */
export function endReceiveSpan(span: Span, entries: ReadonlyArray<{ readonly id: string }>, rejected: number): void {
  if (span.isRecording()) {
    if (entries.length === 1) span.setAttribute(MESSAGE_ID, entries[0]!.id);
    else if (entries.length > 1) span.setAttribute(BATCH_COUNT, entries.length);
    span.setAttribute(OUTCOME, entries.length === 0 && rejected > 0 ? 'rejected' : 'received');
  }
  span.end();
}
