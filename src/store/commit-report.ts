/** One commit of appended messages, as a store reports it (metrics); `ok` false when it rolled back. */
export interface CommitReport {
  readonly size: number;
  readonly durationMs: number;
  readonly ok: boolean;
}

/** Told after each commit batch; must not throw. Stores take it in their options and import no metrics. */
export type OnCommit = (report: CommitReport) => void;
