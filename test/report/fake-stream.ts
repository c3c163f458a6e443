/** A stderr/stdout stand-in that keeps what was written; `isTTY` makes it look like a terminal. */
export class FakeStream {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 80,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}
