import { Component, type ReactNode } from 'react';
import { ErrorPanel } from './ErrorPanel';

/** A view that throws while rendering shows a plain error instead of a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, { error?: Error; key?: string }> {
  override state: { error?: Error; key?: string } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey?: string }, state: { error?: Error; key?: string }) {
    return props.resetKey !== state.key ? { error: undefined, key: props.resetKey } : null;
  }

  override render() {
    if (this.state.error)
      return <ErrorPanel error={{ code: 'INTERNAL', message: this.state.error.message }} onRetry={() => this.setState({ error: undefined })} />;
    return this.props.children;
  }
}
