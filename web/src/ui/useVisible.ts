import { useEffect, useRef } from 'react';

/** Calls `onVisible` whenever the returned element scrolls into view (infinite scroll sentinels). */
export function useVisible<T extends Element>(onVisible: () => void, enabled = true) {
  const ref = useRef<T>(null);
  const callback = useRef(onVisible);
  useEffect(() => {
    callback.current = onVisible;
  });
  useEffect(() => {
    const element = ref.current;
    if (!element || !enabled) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && callback.current());
    observer.observe(element);
    return () => observer.disconnect();
  }, [enabled]);
  return ref;
}
