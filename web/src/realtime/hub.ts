import { HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel, type IRetryPolicy } from '@microsoft/signalr';
import { create } from 'zustand';
import { apiBase } from '../api/config';
import { api, unwrap } from '../api/http';
import type { ServerEvent } from '../api/types';
import { currentToken } from '../auth/session';
import { applyEvent, eventNames, whenEventsMissing } from './events';

export type Connectivity = 'connecting' | 'online' | 'offline';

export const useConnectivity = create<{ state: Connectivity }>(() => ({ state: 'connecting' }));

/** Retries forever, backing off to 10 s: a messenger never gives up on its connection. */
const retryForever: IRetryPolicy = {
  nextRetryDelayInMilliseconds: ({ previousRetryCount }) => Math.min(10_000, [0, 1000, 2000, 5000][previousRetryCount] ?? 10_000),
};

let connection: HubConnection | null = null;
let cursor: string | null = null;
let catchingUp: Promise<void> | null = null;
let wanted = false;

let onResync: (() => void) | null = null;

/**
 * Everything that changed since the cursor, applied like live events (duplicates dropped by eventId).
 * Called after every (re)connect, when the browser comes back online, and when a chat's `seq` shows a gap. Never
 * rejects: a failure (the API unreachable) leaves the cursor where it was for the next try.
 */
export function catchUp(): Promise<void> {
  catchingUp ??= (async () => {
    // Without a cursor (the first call failed) whatever changed until now is unknown: reload once one is had.
    const blind = cursor === null && connection !== null;
    try {
      for (;;) {
        const page = await unwrap(api.GET('/updates', { params: { query: cursor ? { since: cursor } : {} } }));
        // The change log holds each event exactly as it went out live.
        for (const item of page.items) applyEvent(item as unknown as ServerEvent);
        cursor = page.nextCursor;
        if (page.resync || blind) onResync?.();
        if (!page.hasMore) break;
      }
    } catch {
      // Tried again at the next reconnect, online event or gap.
    } finally {
      catchingUp = null;
    }
  })();
  return catchingUp;
}

/** Takes the change log's cursor first, so that whatever changes while the state loads over REST is caught up. */
export async function startRealtime(resync: () => void): Promise<void> {
  onResync = resync;
  whenEventsMissing(() => void catchUp());
  wanted = true;
  cursor = null;
  await catchUp();
  connection = new HubConnectionBuilder()
    .withUrl(apiBase().toString().replace(/\/$/, ''), {
      // The API's token for negotiate; the client then uses the service's own token from its answer.
      accessTokenFactory: async () => (await currentToken()) ?? '',
    })
    .withAutomaticReconnect(retryForever)
    .configureLogging(LogLevel.Warning)
    .build();
  for (const name of eventNames) connection.on(name, (event: ServerEvent) => applyEvent(event));
  connection.onreconnecting(() => useConnectivity.setState({ state: navigator.onLine ? 'connecting' : 'offline' }));
  connection.onreconnected(() => {
    useConnectivity.setState({ state: 'online' });
    void catchUp();
  });
  connection.onclose(() => {
    if (wanted) void connect();
  });
  window.addEventListener('offline', goneOffline);
  window.addEventListener('online', backOnline);
  await connect();
}

async function connect(): Promise<void> {
  const current = connection;
  if (!current || !wanted || !navigator.onLine) {
    useConnectivity.setState({ state: navigator.onLine ? 'connecting' : 'offline' });
    return;
  }
  for (let attempt = 0; wanted && current.state === HubConnectionState.Disconnected; attempt++) {
    useConnectivity.setState({ state: 'connecting' });
    try {
      await current.start();
      useConnectivity.setState({ state: 'online' });
      await catchUp();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 1000 * 2 ** attempt)));
    }
  }
}

// The browser knows before the socket does: stop at once, and reconnect and catch up when it is back.
function goneOffline(): void {
  useConnectivity.setState({ state: 'offline' });
  void connection?.stop();
}

function backOnline(): void {
  void connect();
}

export async function stopRealtime(): Promise<void> {
  wanted = false;
  window.removeEventListener('offline', goneOffline);
  window.removeEventListener('online', backOnline);
  await connection?.stop();
  connection = null;
}

/** Sends a hub method without waiting for its completion (typing is fire-and-forget). */
export function sendToHub(method: string, payload: unknown): void {
  if (connection?.state === HubConnectionState.Connected) void connection.send(method, payload).catch(() => undefined);
}

export function invokeHub(method: string, payload: unknown): Promise<void> {
  if (connection?.state !== HubConnectionState.Connected) return Promise.reject(new Error('Not connected'));
  return connection.invoke(method, payload);
}
