import { Component, type ReactNode } from 'react';

/** A page that throws shows its error instead of blanking the whole console; navigating away resets it. */
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
    if (this.state.error) {
      return (
        <p className="error" role="alert">
          {this.state.error.message}
        </p>
      );
    }
    return this.props.children;
  }
}
