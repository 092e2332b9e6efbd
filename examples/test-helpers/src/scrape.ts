import { parseExposition, type Sample } from './parse-exposition.js';

/** A scraped exposition: its raw text and its parsed samples. */
export interface Scrape {
  readonly text: string;
  readonly samples: Sample[];
  readonly contentType: string;
}

/** Fetches `url` like a Prometheus scrape in text format; throws unless it answers 200. */
export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(url, { headers: { accept: 'text/plain' } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${text}`);
  return { text, samples: parseExposition(text), contentType: response.headers.get('content-type') ?? '' };
}
