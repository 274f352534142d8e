/** An answer of the API that is not a success, with the xport code it carries. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  const retry = Number.isFinite(retryAfter) ? retryAfter : undefined;
  try {
    const body = (await response.json()) as { code?: unknown; message?: unknown };
    if (typeof body.code === 'string' && typeof body.message === 'string') return new ApiError(response.status, body.code, body.message, retry);
  } catch {
    // Not the API's JSON error (a proxy's page, say): described by its status below.
  }
  return new ApiError(response.status, 'HTTP_' + response.status, `the server answered ${response.status} ${response.statusText}`.trim(), retry);
}

/**
 * Requests to the HTTP API of the daemon that served the console, each with the bearer token when
 * there is one. A 401 is also reported to `onUnauthorized` (the token was rotated away, say).
 */
export class ApiClient {
  constructor(
    private readonly token: string | undefined,
    private readonly onUnauthorized: (error: ApiError) => void = () => undefined,
  ) {}

  async json<T>(path: string, signal?: AbortSignal): Promise<T> {
    const response = await this.request(path, 'application/json', signal === undefined ? {} : { signal });
    return (await response.json()) as T;
  }

  /** Sends `body` as JSON and reads the JSON answer. */
  async post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const init: RequestInit = { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
    if (signal !== undefined) init.signal = signal;
    const response = await this.request(path, 'application/json', init);
    return (await response.json()) as T;
  }

  /**
   * Opens a Server-Sent Events stream. Not `EventSource`: it cannot send the bearer token, which the
   * API takes only in the `Authorization` header. `lastEventId` resumes after a reconnect.
   */
  async stream(path: string, lastEventId: number | undefined, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) };
    return this.request(path, 'text/event-stream', { headers, signal });
  }

  async text(path: string, signal?: AbortSignal): Promise<string> {
    return (await this.request(path, '*/*', signal === undefined ? {} : { signal })).text();
  }

  async blob(path: string, signal?: AbortSignal): Promise<Blob> {
    return (await this.request(path, '*/*', signal === undefined ? {} : { signal })).blob();
  }

  private async request(path: string, accept: string, init: RequestInit): Promise<Response> {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined), accept };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    const signal = init.signal ?? undefined;
    let response: Response;
    try {
      response = await fetch(path, { ...init, headers });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(0, 'NETWORK', 'the daemon cannot be reached (is it running?)');
    }
    if (response.ok) return response;
    const error = await toApiError(response);
    if (error.unauthorized) this.onUnauthorized(error);
    throw error;
  }
}
