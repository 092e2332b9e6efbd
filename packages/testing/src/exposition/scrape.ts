import { send } from '../http/http-client.js';
import { parseSamples, type Sample } from './samples.js';

/** A scraped exposition: its body, its parsed samples and its content type. */
export interface Scrape {
  readonly text: string;
  readonly samples: Sample[];
  readonly contentType: string;
}

/**
 * Scrapes `url` like Prometheus asking for the text format (or OpenMetrics with
 * `format: 'openmetrics'`) and parses the body strictly. Throws unless it answers 200.
 */
export async function scrape(url: string, format: 'text' | 'openmetrics' = 'text'): Promise<Scrape> {
  const accept = format === 'text' ? 'text/plain' : 'application/openmetrics-text; version=1.0.0';
  const response = await send(url, { headers: { accept } });
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${response.body}`);
  return {
    text: response.body,
    samples: parseSamples(response.body, format),
    contentType: String(response.headers['content-type'] ?? ''),
  };
}
