import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/core/errors.js';
import { formatDuration, parseDuration } from '../../src/ingest/duration.js';
import { DEFAULT_RETRIES, parseIngestConfig } from '../../src/ingest/ingest-config.js';

const where = { file: 'models/sources.yml', line: 7, source: 'astro', table: 'raw_astros' };

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    [' 3s ', 3_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['10', '10x', 's', '', '10 s', '-1s', '1s2'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('formats for people', () => {
    expect([250, 1_500, 90_000, 5_400_000].map(formatDuration)).toEqual(['250ms', '1.5s', '1.5m', '1.5h']);
  });
});

describe('parseIngestConfig', () => {
  it('reads the example from the issue', () => {
    const { config, errors } = parseIngestConfig(
      {
        url: 'http://api.open-notify.org/astros.json',
        format: 'json',
        timeout: '10s',
        retries: { max_attempts: 5, initial_delay: '1s', max_delay: '30s', jitter: true },
        validate: { required: ['message', 'number', 'people'] },
        schedule: '60s',
        before_run: true,
      },
      where,
    );
    expect(errors).toEqual([]);
    expect(config).toEqual({
      url: 'http://api.open-notify.org/astros.json',
      method: 'GET',
      headers: {},
      body: undefined,
      format: 'json',
      path: [],
      timeoutMs: 10_000,
      retries: { maxAttempts: 5, initialDelayMs: 1_000, maxDelayMs: 30_000, multiplier: 2, jitter: 'full' },
      required: ['message', 'number', 'people'],
      scheduleMs: 60_000,
      beforeRun: true,
      quarantine: true,
      fetcher: undefined,
      maxReplyBytes: 64 * 1024 * 1024,
      crossOriginRedirects: 'strip',
      redactQuery: true,
    });
  });

  it('applies defaults and accepts the strings Jinja renders', () => {
    const { config } = parseIngestConfig(
      { url: 'https://x.test/a', format: 'json_each', path: 'people', retries: { max_attempts: '4', jitter: 'equal' }, quarantine: 'false' },
      where,
    );
    expect(config?.timeoutMs).toBe(10_000);
    expect(config?.path).toEqual(['people']);
    expect(config?.retries).toEqual({ ...DEFAULT_RETRIES, maxAttempts: 4, jitter: 'equal' });
    expect(config?.quarantine).toBe(false);
    expect(config?.beforeRun).toBe(false);
  });

  it('takes a fetcher module instead of a url', () => {
    const { config, errors } = parseIngestConfig({ fetcher: 'fetchers/astros.mjs' }, where);
    expect(errors).toEqual([]);
    expect(config?.url).toBeUndefined();
    expect(config?.fetcher).toBe('fetchers/astros.mjs');
  });

  it('collects every error, each naming its key, with file and line', () => {
    const { config, errors } = parseIngestConfig(
      {
        url: 'ftp://x',
        method: 'FETCH',
        format: 'xml',
        timeout: '10x',
        retries: { max_attempts: 0, initial_delay: '5s', max_delay: '1s', jitter: 'sometimes', backoff: 2 },
        validate: { required: 'people' },
        schedul: '1m',
      },
      where,
    );
    expect(config).toBeUndefined();
    expect(errors.every((e) => e.code === ErrorCodes.INGEST_CONFIG_INVALID && e.file === where.file && e.line === 7 && e.hint)).toBe(true);
    expect(errors.map((e) => e.message)).toEqual([
      'sources.astro.raw_astros.ingest.schedul: is not a known key; the keys here are url, method, headers, body, format, path, timeout, retries, validate, schedule, before_run, quarantine, fetcher, max_reply_bytes, cross_origin_redirects, redact_query, sample.',
      'sources.astro.raw_astros.ingest.url: uses ftp, but only http, https and file are read; use a `fetcher` module for anything else.',
      "sources.astro.raw_astros.ingest.method: 'FETCH' is not an HTTP method tsdbt sends; use one of GET, POST, PUT, PATCH.",
      "sources.astro.raw_astros.ingest.format: 'xml' is not a format; use json (the whole reply is one row) or json_each (one row per array element).",
      "sources.astro.raw_astros.ingest.timeout: '10x' is not a duration; use e.g. 10s, 500ms, 2m.",
      'sources.astro.raw_astros.ingest.retries.backoff: is not a known key; the keys here are max_attempts, initial_delay, max_delay, multiplier, jitter.',
      'sources.astro.raw_astros.ingest.retries.max_attempts: must be a number of at least 1, not number 0.',
      "sources.astro.raw_astros.ingest.retries.jitter: 'sometimes' is not a jitter; use true (full jitter), equal, or false.",
      'sources.astro.raw_astros.ingest.retries.max_delay: is shorter than retries.initial_delay; the delay could never grow.',
      'sources.astro.raw_astros.ingest.validate.required: must be a list of field names (dotted paths are fine: iss_position.latitude).',
    ]);
  });

  it('needs a url or a fetcher, and path only with json_each', () => {
    const { errors } = parseIngestConfig({ path: 'people', timeout: 10 }, where);
    expect(errors.map((e) => e.message)).toEqual([
      'sources.astro.raw_astros.ingest.url: is missing; give the URL to fetch, or a `fetcher` module that fetches for you.',
      'sources.astro.raw_astros.ingest.path: is only used with format: json_each; remove it, or set format: json_each.',
      'sources.astro.raw_astros.ingest.timeout: 10 is not a duration; use e.g. 10s, 500ms, 2m.',
    ]);
  });

  it('refuses a non-mapping', () => {
    const { errors } = parseIngestConfig('http://x', where);
    expect(errors[0]?.message).toBe("sources.astro.raw_astros.ingest: must be a mapping (url, format, retries, …), not 'http://x'.");
  });
});
