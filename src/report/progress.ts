/**
 * Progress of a batch of work (nodes of a run, sources of an ingest, files of a seed). The
 * permanent `3 of 12 OK …` lines are printed by the caller either way; on a terminal a live
 * status line at the bottom also shows what is running now.
 */
export interface Progress {
  started(name: string): void;
  finished(name: string): void;
  /** Clears the live line. Safe to call twice. */
  end(): void;
}

export const noProgress: Progress = { started: () => undefined, finished: () => undefined, end: () => undefined };

/** Below this many items a live line only flickers: the permanent lines say it all. */
export const LIVE_PROGRESS_MIN_ITEMS = 10;

export class LiveProgress implements Progress {
  private done = 0;
  private readonly running = new Set<string>();
  private ended = false;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly show: (line: string | undefined) => void,
    private readonly now: () => number = () => Date.now(),
    private readonly startedAt = now(),
  ) {
    this.draw();
  }

  started(name: string): void {
    this.running.add(name);
    this.draw();
  }

  finished(name: string): void {
    this.running.delete(name);
    this.done += 1;
    this.draw();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.show(undefined);
  }

  /** `[#######-------------] 7/20 models 3s · running: people, orders (+2)` */
  line(): string {
    const width = 20;
    const filled = this.total === 0 ? width : Math.min(width, Math.round((this.done / this.total) * width));
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    const seconds = Math.floor((this.now() - this.startedAt) / 1000);
    const names = [...this.running];
    const shown = names.slice(0, 3).join(', ');
    const more = names.length > 3 ? ` (+${names.length - 3})` : '';
    const running = names.length === 0 ? '' : ` · running: ${shown}${more}`;
    return `${bar} ${this.done}/${this.total} ${this.label} ${seconds}s${running}`;
  }

  private draw(): void {
    if (!this.ended) this.show(this.line());
  }
}
