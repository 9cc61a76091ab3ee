import { QueryClient } from '@tanstack/react-query';

/** The one query cache: REST reads that realtime events may make stale (members, chat details). */
export const queries = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });
