/** The console calls Godwit's own JSON API with its session cookie, echoing the CSRF cookie on changes. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

let onSignedOut: () => void = () => {};
/** Called when the session is gone (401), so the app shows the sign-in page again. */
export function whenSignedOut(listener: () => void): void {
  onSignedOut = listener;
}

function csrfToken(): string | undefined {
  const pair = document.cookie.split('; ').find((c) => c.startsWith('godwit_csrf='));
  return pair ? decodeURIComponent(pair.slice('godwit_csrf='.length)) : undefined;
}

export async function api<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const csrf = method === 'GET' ? undefined : csrfToken();
  if (csrf) headers['x-csrf-token'] = csrf;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const response = await fetch(path, { method, headers, body, credentials: 'same-origin' }).catch(() => {
    // The browser's "Failed to fetch" says nothing to an admin: explainError says Godwit is not answering, in their language.
    throw new ApiError(0, 'unreachable', 'Godwit is not answering');
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = json?.error ?? {};
    if (response.status === 401 && path !== '/v1/session') onSignedOut();
    throw new ApiError(response.status, error.code ?? 'internal', error.message ?? response.statusText, error.details);
  }
  return json as T;
}

/** A query string from the set values only. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
