import { startBasicExample } from './basic-example.js';

const port = Number(process.env.PORT ?? 9464);
const example = await startBasicExample({ port });
console.log(`servermetrics demo: the lunch module is running.
  metrics:  ${example.server.url}
  try:      curl ${example.server.url}
            curl -H 'Accept: application/openmetrics-text' ${example.server.url}
Press Ctrl+C to stop.`);
const keepAlive = setInterval(() => {}, 1 << 30);
process.once('SIGINT', () => {
  clearInterval(keepAlive);
  void example.close();
});
