export type { DemoArguments } from './demo-arguments.js';
export { parseDemoArguments } from './demo-arguments.js';
export { demoBanner } from './demo-banner.js';
export type { ExampleRequest } from './example-requests.js';
export {
  EXAMPLE_REQUESTS,
  expectedRequestCounts,
  SLOW_REQUEST_DELAY_MS,
  sendExampleRequests,
} from './example-requests.js';
export { MAX_DELAY_MS, parseDelay, USER_COUNT } from './example-routes.js';
export type { RunDemoOptions } from './run-demo.js';
export { closeOnSignal, portInUseHint, runDemo } from './run-demo.js';
export type { DemoServer, DemoServerOptions, StatsdTarget } from './start-demo-server.js';
export { startDemoServer } from './start-demo-server.js';
export type { StatsdListener, StatsdListenerOptions } from './statsd-listener.js';
export { listenForStatsd } from './statsd-listener.js';
export type { SimulatedRequest, Traffic, TrafficOptions } from './traffic.js';
export { nextRequest, startTraffic } from './traffic.js';
