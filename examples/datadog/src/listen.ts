import { listenForStatsd } from './statsd-listener.js';

const port = Number(process.env.STATSD_PORT ?? 8125);
const listener = await listenForStatsd({ port, onLine: (line) => console.log(line) });
console.log(`Printing every StatsD line sent to udp://127.0.0.1:${listener.port}. Press Ctrl+C to stop.`);
process.once('SIGINT', () => void listener.close());
