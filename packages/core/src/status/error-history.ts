import type { ReportedError } from '../discovery/provider-record.js';

/** An error a provider had, with when the kernel noted it (epoch ms). */
export interface DatedError {
  readonly code: string;
  readonly message: string;
  readonly at: number;
}

/** How many past errors a provider keeps for its status row: enough to see a pattern, small enough to print. */
export const ERROR_HISTORY_LENGTH = 5;

/**
 * A provider's errors as the status table tells them: the current one — the error behind its state,
 * kept until it comes online again — and the last few, newest first, kept as history after it
 * recovered. A provider back online shows no stale error, and nothing is forgotten at once.
 */
export class ProviderErrors {
  private currentError: DatedError | undefined;
  private readonly past: DatedError[] = [];

  /** The error behind the current state, undefined once the provider came online since. */
  get current(): DatedError | undefined {
    return this.currentError;
  }

  /** The last errors, newest first, the current one included. */
  get history(): readonly DatedError[] {
    return this.past;
  }

  note(error: ReportedError, at: number): void {
    const dated = { code: error.code, message: error.message, at };
    this.currentError = dated;
    this.past.unshift(dated);
    if (this.past.length > ERROR_HISTORY_LENGTH) this.past.length = ERROR_HISTORY_LENGTH;
  }

  /** The provider is online again: its error is history now. */
  recovered(): void {
    this.currentError = undefined;
  }
}
