/**
 * A fresh copy of a module that remembers a decision once per process (a V8 flag it set, say): a
 * query of its own makes vitest's module runner load the file again as another module, without
 * vi.resetModules, which would make every other file of a shared fork load its modules again.
 * `fromTestFolder` is the module's path as a file in test/<folder>/ names it (`../../src/…`): this
 * file is as deep.
 */
let copies = 0;

export function freshModule<T>(fromTestFolder: string): Promise<T> {
  copies += 1;
  return import(/* @vite-ignore */ `${fromTestFolder}?copy=${copies}`) as Promise<T>;
}
