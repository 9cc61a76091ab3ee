/**
 * Where the API is. A built client reads it at startup from /config.json (`./dev.sh` serves one pointing at the
 * DevHost; a Static Web App deployment writes one, see docs/deploy.md); without one, the page's own `/api`.
 */
export interface ClientConfig {
  /** Absolute or page-relative, without a trailing slash, e.g. `http://127.0.0.1:7071/api` or `/api`. */
  apiBaseUrl: string;
}

let current: ClientConfig = { apiBaseUrl: '/api' };

export async function loadConfig(): Promise<ClientConfig> {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (response.ok) {
      const body = (await response.json()) as Partial<ClientConfig>;
      if (typeof body.apiBaseUrl === 'string' && body.apiBaseUrl.length > 0) {
        current = { apiBaseUrl: body.apiBaseUrl.replace(/\/+$/, '') };
      }
    }
  } catch {
    // No config: same origin.
  }
  return current;
}

export const config = (): ClientConfig => current;

/** The API's absolute base URL. */
export const apiBase = (): URL => new URL(current.apiBaseUrl + '/', window.location.href);

/** Resolves a URL the API gave relative to its origin (`/api/avatars/…`). */
export const apiUrl = (relative: string): string => new URL(relative, apiBase()).toString();
