import { describe, expect, it } from 'vitest';
import { closestMatch } from '../../../src/graph/select/did-you-mean.js';
import { pathGlobMatch, wildcardMatch } from '../../../src/graph/select/glob.js';
import { METHOD_NAMES } from '../../../src/graph/select/method-names.js';

describe('closestMatch', () => {
  it.each([
    ['tga', 'tag'],
    ['TAG', 'tag'],
    ['colour', 'column'],
    ['resource', 'resource_type'],
    ['sources', 'source'],
    ['test', undefined],
    ['xyzzy', undefined],
  ])('%s → %s', (word, expected) => {
    expect(closestMatch(word, METHOD_NAMES)).toBe(expected);
  });
});

describe('wildcardMatch (fnmatch: * crosses dots and slashes)', () => {
  it.each([
    ['stg_people', 'stg_*', true],
    ['marts.core.people', 'marts.*', true],
    ['people', 'peo?le', true],
    ['people', 'peo?', false],
    ['stg_crafts', 'stg_[cp]*', true],
    ['stg_orders', 'stg_[!o]*', false],
    ['a.b', 'a?b', true],
    ['a[b', 'a[b', true],
  ])('%s ~ %s = %s', (text, pattern, expected) => {
    expect(wildcardMatch(text, pattern)).toBe(expected);
  });
});

describe('pathGlobMatch (* stays in a folder, ** crosses)', () => {
  it.each([
    ['models/people.sql', 'models/*.sql', true],
    ['models/staging/people.sql', 'models/*.sql', false],
    ['models/staging/people.sql', 'models/**/*.sql', true],
    ['models/people.sql', 'models/**/*.sql', true],
    ['models/staging/schema.yml', 'models/**', true],
    ['models/staging', 'models/st?ging', true],
  ])('%s ~ %s = %s', (path, pattern, expected) => {
    expect(pathGlobMatch(path, pattern)).toBe(expected);
  });
});
