import type { ErrorValueView } from '../../../shared/view-model';
import { errorText } from '../error-text';

export function ErrorPanel({ error, onRetry }: { error: ErrorValueView; onRetry?: () => void }) {
  const text = errorText(error.code);
  return (
    <div className="error-panel" role="alert">
      <h3>{text.title}</h3>
      <p>{text.next}</p>
      <details>
        <summary>Details</summary>
        <code>{error.code}</code>: {error.message}
      </details>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
