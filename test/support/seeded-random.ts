// One generator for the benchmarks and the tests (bench/ cannot import test code, so it lives there).
export { seededRandom } from '../../bench/seeded-random.js';
