export type { Sample } from './parse-exposition.js';
export { findSamples, parseExposition, sampleValue } from './parse-exposition.js';
export type { Scrape } from './scrape.js';
export { scrape } from './scrape.js';
export type { WaitForOptions } from './wait-for.js';
export { waitFor } from './wait-for.js';
