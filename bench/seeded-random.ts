/**
 * mulberry32: a small, fast, seedable PRNG, the same on every platform. `seededRandom(42)()` → a
 * number in [0, 1). The benchmarks' generator and the tests' random inputs both draw from it.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
