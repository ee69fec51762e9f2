import { type ComponentType, lazy } from 'react';

/**
 * A chunk of the console that did not arrive: Godwit is not answering, or it was restarted with a new
 * build whose chunks have other names. Either way only a reload helps (the browser keeps a failed
 * import failed), so the page says so instead of the browser's import error.
 */
export class ChunkLoadError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'ChunkLoadError';
  }
}

/**
 * A lazy component that renders at once when its chunk was fetched ahead (`preload()`). React.lazy
 * alone suspends on first render even for a module already loaded, and React reveals suspended content
 * at most every 300 ms: a page whose chunk arrived early would still wait for that.
 */
// biome-ignore lint/suspicious/noExplicitAny: components of any props
export function preloadable<P extends Record<string, any>>(load: () => Promise<{ default: ComponentType<P> }>) {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<{ default: ComponentType<P> }> | undefined;
  const preload = () => {
    pending ??= load().then(
      (module) => {
        loaded = module.default;
        return module;
      },
      (cause: unknown) => {
        throw new ChunkLoadError(cause);
      },
    );
    return pending;
  };
  const Lazy = lazy(preload);
  function Preloadable(props: P) {
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Lazy {...props} />;
  }
  return { Component: Preloadable, preload };
}
