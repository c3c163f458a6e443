/** An ingest URL with `user:password@` (which fetch refuses) is sent with the credentials as a Basic Authorization header. */
import { describe, expect, it } from 'vitest';
import { credentialsAsHeader } from '../../src/ingest/fetch-with-retry.js';

describe('credentialsAsHeader', () => {
  it('moves user:password@ into Authorization: Basic, percent-decoded', () => {
    expect(credentialsAsHeader('https://me:p%40ss@api.example.com/x.json?a=1', { Accept: 'application/json' })).toEqual({
      url: 'https://api.example.com/x.json?a=1',
      headers: { Accept: 'application/json', Authorization: `Basic ${Buffer.from('me:p@ss').toString('base64')}` },
    });
  });

  it('keeps an Authorization header the config sets, and URLs without credentials as they are', () => {
    expect(credentialsAsHeader('https://me:pw@api.example.com/', { authorization: 'Bearer t' })).toEqual({
      url: 'https://api.example.com/',
      headers: { authorization: 'Bearer t' },
    });
    expect(credentialsAsHeader('https://api.example.com/x', undefined)).toEqual({ url: 'https://api.example.com/x', headers: undefined });
  });
});
