import { create } from 'zustand';
import { api, ProblemError, unwrap, setTokenSource } from '../api/http';
import type { AuthResult, MyProfile } from '../api/types';

type Status = 'loading' | 'signedOut' | 'signedIn';

interface SessionState {
  status: Status;
  me: MyProfile | null;
  /** Changes my profile from its latest state (answers to concurrent PATCHes must not undo each other). */
  updateMe: (change: (me: MyProfile) => MyProfile) => void;
}

export const useSession = create<SessionState>((set) => ({
  status: 'loading',
  me: null,
  updateMe: (change) => set((s) => (s.me ? { me: change(s.me) } : {})),
}));

let accessToken: string | null = null;
let expiresAt = 0;
let refreshing: Promise<boolean> | null = null;

function signedIn(result: AuthResult): void {
  accessToken = result.accessToken;
  expiresAt = Date.parse(result.accessTokenExpiresAt);
  useSession.setState({ status: 'signedIn', me: result.user });
}

function signedOut(): void {
  accessToken = null;
  expiresAt = 0;
  useSession.setState({ status: 'signedOut', me: null });
}

/**
 * Rotates the refresh cookie. Tabs of one browser share that cookie, and a refresh token used twice ends the whole
 * session, so refreshes are serialised across tabs with a Web Lock: the second tab then sends the rotated cookie.
 */
async function refreshOnce(): Promise<boolean> {
  const run = async (): Promise<boolean> => {
    const { data, response } = await api.POST('/auth/refresh', {});
    if (response.ok && data) {
      signedIn(data);
      return true;
    }
    if (response.status === 401 || response.status === 400) signedOut();
    return false;
  };
  return navigator.locks ? navigator.locks.request('distahilar-refresh', run) : run();
}

export function refresh(): Promise<boolean> {
  refreshing ??= refreshOnce().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** The access token, refreshed first when it expires within a minute (a request that starts now must not arrive late). */
export async function currentToken(): Promise<string | null> {
  if (accessToken && Date.now() > expiresAt - 60_000) await refresh();
  return accessToken;
}

setTokenSource({ token: currentToken, renew: refresh });

/** At startup: the HttpOnly cookie keeps me signed in across reloads. */
export async function restoreSession(): Promise<void> {
  try {
    if (!(await refresh())) signedOut();
  } catch {
    signedOut();
  }
}

export async function signIn(login: string, password: string): Promise<void> {
  signedIn(await unwrap(api.POST('/auth/login', { body: { login, password } })));
}

export interface Registration {
  username: string;
  email: string;
  password: string;
  name: string;
}

export async function register(form: Registration): Promise<void> {
  signedIn(await unwrap(api.POST('/auth/register', { body: form })));
}

export async function signOut(): Promise<void> {
  try {
    await unwrap(api.POST('/auth/logout', {}));
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
  } finally {
    signedOut();
  }
}

/** The signed-in user; only for components under the signed-in routes. */
export function useMe(): MyProfile {
  const me = useSession((s) => s.me);
  if (!me) throw new Error('Not signed in');
  return me;
}
