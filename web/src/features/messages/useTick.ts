import { useEffect, useState } from 'react';

/** Re-renders every `ms` while `active`: typing indicators and "last seen" expire with time, not with events. */
export function useTick(active: boolean, ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return now;
}
