/**
 * Groups calls made in the same turn of the event loop into batches, run on a fixed number of
 * lanes. A caller submits one item and awaits its own answer; the batch function answers every
 * item of a batch, each with its value or its error. Work submitted while every lane is busy
 * waits, and goes out with whatever else has arrived by the time a lane is free, the most urgent
 * first (a higher priority; in the order submitted among equals).
 */

export type Answer<O> = { ok: true; value: O } | { ok: false; error: unknown };

export type BatchFunction<I, O> = (items: readonly I[]) => Promise<readonly Answer<O>[]>;

interface Waiting<I, O> {
  item: I;
  priority: number;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export class MicroBatcher<I, O> {
  private readonly queue: Waiting<I, O>[] = [];
  private busy = 0;
  private scheduled = false;

  constructor(
    private readonly lanes: number,
    private readonly maxBatch: number,
    private readonly run: BatchFunction<I, O>,
  ) {}

  submit(item: I, priority = 0): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      // After every item of the same or a higher priority: the queue holds a few dozen items at most.
      let at = this.queue.length;
      while (at > 0 && this.queue[at - 1]!.priority < priority) at -= 1;
      this.queue.splice(at, 0, { item, priority, resolve, reject });
      this.schedule();
    });
  }

  /** Dispatches on the next turn, so every item submitted in this one can join the batch. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.busy < this.lanes && this.queue.length > 0) {
      // Spread what is waiting over the free lanes, so both cores get work when few items wait.
      const size = Math.min(this.maxBatch, Math.ceil(this.queue.length / (this.lanes - this.busy)));
      const batch = this.queue.splice(0, size);
      this.busy += 1;
      void this.settle(batch);
    }
  }

  private async settle(batch: Waiting<I, O>[]): Promise<void> {
    let answers: readonly Answer<O>[];
    try {
      answers = await this.run(batch.map((waiting) => waiting.item));
    } catch (error) {
      answers = batch.map(() => ({ ok: false, error }));
    }
    this.busy -= 1;
    // Work already waiting goes out now, before the answers are handed over: the callers' own
    // work on them (a check parses each query tree) would otherwise leave the lane idle meanwhile.
    if (this.queue.length > 0) this.dispatch();
    batch.forEach((waiting, index) => {
      const answer = answers[index] ?? { ok: false, error: new Error('the batch gave no answer for this item') };
      if (answer.ok) waiting.resolve(answer.value);
      else waiting.reject(answer.error);
    });
    // On the next turn: the callers just answered may submit more (a model's children), and can join.
    this.schedule();
  }
}
