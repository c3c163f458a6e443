/**
 * Node details (SQL, columns, descriptions) come in chunks, each a `<script>` that calls a
 * global: loaded only when a page needs one, and working from file:// where fetch() is not.
 */
import { CHUNK_CALLBACK, SITE_PATHS, type SiteNodeDetails } from '../site-types.js';

const loaded = new Map<number, Promise<Map<string, SiteNodeDetails>>>();
const waiting = new Map<number, (details: SiteNodeDetails[]) => void>();

(window as unknown as Record<string, unknown>)[CHUNK_CALLBACK] = (chunk: number, details: SiteNodeDetails[]) => {
  waiting.get(chunk)?.(details);
  waiting.delete(chunk);
};

export function loadChunk(chunk: number, version: string): Promise<Map<string, SiteNodeDetails>> {
  let promise = loaded.get(chunk);
  if (promise === undefined) {
    promise = new Promise((resolve, reject) => {
      waiting.set(chunk, (details) => resolve(new Map(details.map((one) => [one.uniqueId, one]))));
      const script = document.createElement('script');
      script.src = `${SITE_PATHS.chunk(chunk)}?v=${encodeURIComponent(version)}`;
      script.onerror = () => {
        loaded.delete(chunk);
        reject(new Error(`Could not load ${SITE_PATHS.chunk(chunk)}: run \`tsdbt docs generate\` again.`));
      };
      document.head.append(script);
    });
    loaded.set(chunk, promise);
  }
  return promise;
}
