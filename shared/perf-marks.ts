/**
 * User-timing marks the renderer sets for the 10,000-tag bench (e2e/large-repository.spec.ts reads
 * them with performance.getEntriesByName): when the overview was asked for, when its response reached
 * the renderer, and when the frame showing the first tag rows had been painted.
 */
export const PERF_MARK = {
  overviewRequest: 'trustdesk:overview-request',
  overviewResponse: 'trustdesk:overview-response',
  tagsFirstRows: 'trustdesk:tags-first-rows',
} as const;
