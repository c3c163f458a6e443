/** fastFrameSet does what nunjucks' own Frame.prototype.set does (tsdbt's frames use it instead). */
import { describe, expect, it } from 'vitest';
import { fastFrameSet } from '../../src/template/jinja-runtime.js';

/** nunjucks 3.2.4 runtime.js Frame, as shipped (set with split). */
class Frame {
  variables: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  constructor(
    readonly parent?: Frame,
    readonly isolateWrites?: boolean,
  ) {}
  set(name: string, value: unknown, resolveUp?: boolean): void {
    const parts = name.split('.');
    let obj = this.variables;
    if (resolveUp) {
      const frame = this.resolve(parts[0]!, true);
      if (frame) {
        frame.set(name, value);
        return;
      }
    }
    for (let i = 0; i < parts.length - 1; i += 1) {
      const id = parts[i]!;
      if (!obj[id]) obj[id] = {};
      obj = obj[id] as Record<string, unknown>;
    }
    obj[parts[parts.length - 1]!] = value;
  }
  resolve(name: string, forWrite: boolean): Frame | undefined {
    const parent = forWrite && this.isolateWrites ? undefined : this.parent;
    if (this.variables[name] !== undefined) return this;
    return parent?.resolve(name, false);
  }
}

class FastFrame extends Frame {
  override set(name: string, value: unknown, resolveUp?: boolean): void {
    fastFrameSet.call(this as never, name, value, resolveUp);
  }
}

describe('fastFrameSet', () => {
  it('sets what nunjucks sets, for plain, dotted and resolved-up names', () => {
    const steps: [string, unknown, boolean?][] = [
      ['x', 1],
      ['loop.index', 2],
      ['loop.last', true],
      ['a.b.c', 3],
      ['a..b', 4],
      ['', 5],
      ['.x', 6],
      ['x.', 7],
      ['x', 8, true],
      ['outer', 9, true],
      ['outer.y', 10, true],
      ['loop', 0],
      ['loop.index', 11],
      ['zero.y', 12],
    ];
    for (const isolate of [false, true]) {
      const reference = new Frame(new Frame(), isolate);
      reference.parent!.variables.outer = { kept: 1 };
      reference.variables.zero = 0;
      const fast = new FastFrame(new FastFrame(), isolate);
      fast.parent!.variables.outer = { kept: 1 };
      fast.variables.zero = 0;
      const attempt = (frame: Frame, name: string, value: unknown, up?: boolean) => {
        try {
          frame.set(name, value, up);
          return 'ok';
        } catch (error) {
          return (error as Error).message; // e.g. a dotted name through a number: both throw the same TypeError
        }
      };
      for (const [name, value, up] of steps) {
        expect({ name, outcome: attempt(fast, name, value, up) }).toEqual({ name, outcome: attempt(reference, name, value, up) });
        expect({ name, own: fast.variables, parent: fast.parent!.variables }).toEqual({ name, own: reference.variables, parent: reference.parent!.variables });
      }
    }
  });

  it('sets dotted names the same way past the number of split names it keeps', () => {
    const reference = new Frame();
    const fast = new FastFrame();
    for (let i = 0; i < 5000; i += 1) {
      for (const name of [`n${i}.a`, `n${i}.b.c`, 'loop.index', `n${i}.a`]) {
        reference.set(name, i);
        fast.set(name, i);
      }
    }
    expect(fast.variables).toEqual(reference.variables);
  });
});
