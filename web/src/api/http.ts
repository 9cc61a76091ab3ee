import createClient from 'openapi-fetch';
import type { paths } from './schema.gen';
import { apiBase } from './config';
import type { Problem } from './types';

/** An RFC 7807 answer, thrown by `unwrap` so that callers can show its title and per-field errors. */
export class ProblemError extends Error {
  readonly status: number;
  readonly errors: Record<string, string[]>;

  constructor(problem: Partial<Problem> & { status: number }) {
    super(problem.title ?? `HTTP ${problem.status}`);
    this.status = problem.status;
    this.errors = problem.errors ?? {};
  }
}

/** What to tell the user about a failed request: the first field's message, else the problem's title. */
export function problemText(error: unknown): string {
  return error instanceof ProblemError ? (Object.values(error.errors)[0]?.[0] ?? error.message) : String(error);
}

interface TokenSource {
  /** The current access token, refreshing it first when it is about to expire. */
  token(): Promise<string | null>;
  /** Called after a 401: refresh once; false when the session is gone. */
  renew(): Promise<boolean>;
}

let tokens: TokenSource = { token: () => Promise.resolve(null), renew: () => Promise.resolve(false) };
export const setTokenSource = (source: TokenSource): void => {
  tokens = source;
};

/** Adds the bearer token, and after a 401 refreshes once and repeats the request. */
async function authedFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  const send = async (r: Request): Promise<Response> => {
    const token = await tokens.token();
    if (token) r.headers.set('Authorization', `Bearer ${token}`);
    return fetch(r);
  };
  const response = await send(request);
  if (response.status !== 401 || new URL(request.url).pathname.includes('/auth/')) return response;
  return (await tokens.renew()) ? send(retry) : response;
}

const clientFor = (baseUrl: string) => createClient<paths>({ baseUrl, fetch: authedFetch, credentials: 'include' });

/**
 * The typed API client. Its base URL is known only once /config.json is read (`initApi`); the binding is live, so
 * every module that imported `api` uses the configured one.
 */
export let api = clientFor('/api');

export function initApi(): void {
  api = clientFor(apiBase().toString().replace(/\/$/, ''));
}

/** The body of a successful openapi-fetch answer, or a ProblemError. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const problem = (error ?? {}) as Partial<Problem>;
  throw new ProblemError({ ...problem, status: response.status });
}
