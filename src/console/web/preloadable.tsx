import { type ComponentType, lazy } from 'react';

/**
 * A lazy component that renders at once when its chunk was fetched ahead (`preload()`). React.lazy
 * alone suspends on first render even for a module already loaded, and React reveals suspended content
 * at most every 300 ms: a page whose chunk arrived early would still wait for that.
 */
// biome-ignore lint/suspicious/noExplicitAny: components of any props
export function preloadable<P extends Record<string, any>>(load: () => Promise<{ default: ComponentType<P> }>) {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<unknown> | undefined;
  const preload = () => {
    pending ??= load().then((module) => {
      loaded = module.default;
      return module;
    });
    return pending as Promise<{ default: ComponentType<P> }>;
  };
  const Lazy = lazy(preload);
  function Preloadable(props: P) {
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Lazy {...props} />;
  }
  return { Component: Preloadable, preload };
}
