/**
 * A seeded script of API replies with random faults, for the fake API (fake-api.ts): the same
 * seed always gives the same 1,000 replies. Each entry says what it is, so a test can work out
 * what an ingester must have landed, rejected and retried.
 */
import { ASTROS, replies, type FakeReply } from './fake-api.js';
import { seededRandom } from './seeded-random.js';

export type FaultKind =
  | 'valid'
  /** A payload served before, again (sometimes pretty-printed: the same payload once minified). */
  | 'duplicate'
  | 'status_5xx'
  | 'too_many_requests'
  /** Never answers: the client's timeout ends the attempt. */
  | 'timeout'
  /** Headers and five bytes of body, then nothing: a timeout mid-body. */
  | 'stalled_body'
  | 'reset'
  | 'truncated'
  | 'malformed'
  | 'wrong_shape';

/** Kinds an ingester retries (the attempt failed before a whole reply was in hand). */
export const RETRYABLE: ReadonlySet<FaultKind> = new Set(['status_5xx', 'too_many_requests', 'timeout', 'stalled_body', 'reset']);
/** Kinds that are a whole reply, but not one to land. */
export const REJECTED: ReadonlySet<FaultKind> = new Set(['truncated', 'malformed', 'wrong_shape']);

export interface ScriptedReply {
  kind: FaultKind;
  reply: FakeReply;
  /** The payload (valid and duplicate replies). */
  payload?: unknown;
  /** The exact body sent (whole replies). */
  body?: string;
  /** Seconds the 429's Retry-After asks for. */
  retryAfter?: number;
}

/** Relative weights; timeouts are rare because each costs the client's whole timeout in real time. */
export const DEFAULT_MIX: Record<FaultKind, number> = {
  valid: 40,
  duplicate: 10,
  status_5xx: 12,
  too_many_requests: 5,
  timeout: 1,
  stalled_body: 0.6,
  reset: 5,
  truncated: 6,
  malformed: 5,
  wrong_shape: 6,
};

/**
 * `count` replies drawn from `mix` with `seed`. The last is always a valid new payload, so an
 * ingester retrying at the end of the script never asks past it.
 */
export function faultScript(seed: number, count: number, mix: Record<FaultKind, number> = DEFAULT_MIX): ScriptedReply[] {
  const random = seededRandom(seed);
  const kinds = Object.keys(mix) as FaultKind[];
  const total = kinds.reduce((sum, kind) => sum + mix[kind], 0);
  const pick = (): FaultKind => {
    let r = random() * total;
    for (const kind of kinds) {
      r -= mix[kind];
      if (r < 0) return kind;
    }
    return 'valid';
  };
  const served: unknown[] = [];
  const script: ScriptedReply[] = [];
  const valid = (payload: unknown, pretty: boolean): ScriptedReply => {
    const body = pretty ? JSON.stringify(payload, null, 2) : JSON.stringify(payload);
    return { kind: 'valid', reply: replies.ok(body), payload, body };
  };
  for (let index = 0; index < count; index += 1) {
    let kind = index === count - 1 ? 'valid' : pick();
    if (kind === 'duplicate' && served.length === 0) kind = 'valid';
    switch (kind) {
      case 'valid': {
        const payload = { ...ASTROS, number: index, people: [{ name: `Person ${index}`, craft: index % 2 === 0 ? 'ISS' : 'Tiangong' }] };
        served.push(payload);
        script.push(valid(payload, false));
        break;
      }
      case 'duplicate': {
        // Half of the time the latest payload (which an ingester skips), else any earlier one (landed again, collapsed by FINAL).
        const payload = random() < 0.5 ? served[served.length - 1] : served[Math.floor(random() * served.length)];
        script.push({ ...valid(payload, random() < 0.5), kind: 'duplicate' });
        break;
      }
      case 'status_5xx': {
        const status = [500, 502, 503, 504][Math.floor(random() * 4)]!;
        script.push({ kind, reply: replies.status(status, 'upstream trouble') });
        break;
      }
      case 'too_many_requests': {
        const retryAfter = 1 + Math.floor(random() * 5);
        script.push({ kind, reply: replies.tooManyRequests(String(retryAfter)), retryAfter });
        break;
      }
      case 'timeout':
        script.push({ kind, reply: replies.hang() });
        break;
      case 'stalled_body':
        script.push({ kind, reply: replies.stallBody(ASTROS) });
        break;
      case 'reset':
        script.push({ kind, reply: replies.reset() });
        break;
      case 'truncated': {
        const reply = replies.truncated({ ...ASTROS, number: 10_000 + index });
        script.push({ kind, reply, body: reply.kind === 'ok' ? reply.body : undefined });
        break;
      }
      case 'malformed': {
        const reply = replies.malformed();
        script.push({ kind, reply, body: reply.kind === 'ok' ? reply.body : undefined });
        break;
      }
      case 'wrong_shape': {
        const body = JSON.stringify({ status: 'ok', data: [index] });
        script.push({ kind, reply: replies.ok(body), body });
        break;
      }
    }
  }
  return script;
}

/** Counts per kind, for reporting. */
export function kindCounts(script: readonly ScriptedReply[]): Record<FaultKind, number> {
  const counts = Object.fromEntries(Object.keys(DEFAULT_MIX).map((kind) => [kind, 0])) as Record<FaultKind, number>;
  for (const entry of script) counts[entry.kind] += 1;
  return counts;
}
