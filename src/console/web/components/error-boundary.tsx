import { Component, type ReactNode } from 'react';
import { PageFailure } from './page-failure.tsx';

/** A page that throws shows why instead of blanking the whole console; navigating away resets it. */
export class ErrorBoundary extends Component<
  { resetKey: string; children: ReactNode },
  { error?: Error; key?: string }
> {
  state: { error?: Error; key?: string } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: { error?: Error; key?: string }) {
    return props.resetKey === state.key ? null : { error: undefined, key: props.resetKey };
  }

  render() {
    if (this.state.error) return <PageFailure error={this.state.error} />;
    return this.props.children;
  }
}
