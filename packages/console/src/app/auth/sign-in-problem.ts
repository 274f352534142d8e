import { ApiError } from '../api/api-client.js';

/** What the sign-in form says about a refused or failed attempt. */
export function toSignInProblem(error: unknown, hadToken: boolean): string {
  if (!(error instanceof ApiError)) return `The console could not reach the API: ${String(error)}`;
  if (error.status === 401 && !hadToken) return 'This daemon needs an API token.';
  if (error.status === 401) return 'That token is not accepted: it matches none of the daemon\'s API tokens (XPORT_HTTP_UNAUTHORIZED).';
  if (error.status === 429) {
    const wait = error.retryAfterSeconds === undefined ? '' : ` Try again in ${error.retryAfterSeconds} s.`;
    return `Too many failed sign-ins from this address (XPORT_HTTP_RATE_LIMITED).${wait}`;
  }
  return `The API answered ${error.status === 0 ? 'nothing' : error.status}: ${error.message} (${error.code})`;
}
