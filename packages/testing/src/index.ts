export type { ParsedFamily, ParsedSample, ParseFormat } from './exposition/exposition-parser.js';
export { ExpositionParseError, labelObject, parseExposition } from './exposition/exposition-parser.js';
export { NASTY_CHARACTERS } from './exposition/nasty-characters.js';
export { NASTY_VALUES } from './exposition/nasty-values.js';
export type { OpenMetricsCheck } from './exposition/openmetrics-reference-parser.js';
export {
  checkOpenMetrics,
  requireOpenMetricsReferenceParser,
} from './exposition/openmetrics-reference-parser.js';
export type { Sample } from './exposition/samples.js';
export { findSamples, parseSamples, sampleValue } from './exposition/samples.js';
export type { Scrape } from './exposition/scrape.js';
export { scrape } from './exposition/scrape.js';
export { freeTcpPort } from './free-tcp-port.js';
export type {
  AdapterUnderTest,
  ConformanceAppOptions,
  ConformanceMiddlewareOptions,
  ConformanceRegistry,
} from './http/adapter-conformance.js';
export { CONFORMANCE_ASSETS_DIRECTORY, describeAdapterConformance } from './http/adapter-conformance.js';
export type { OpenStream, SendOptions, SentResponse } from './http/http-client.js';
export { abandonBeforeHeaders, openStream, send } from './http/http-client.js';
export type { CollectingRegistry } from './http/recorded-requests.js';
export { recordedRequests, recordedTotal } from './http/recorded-requests.js';
export type { Listenable, RunningApp, RunningApps } from './http/running-apps.js';
export { listenOnLoopback, runningApps } from './http/running-apps.js';
export type { SlowHeaderClients } from './http/slow-header-clients.js';
export { openSlowHeaderClients } from './http/slow-header-clients.js';
export { streamedChunks } from './http/streamed-chunks.js';
export type { OptionalPeerPackage } from './process/optional-peer-suite.js';
export { describeOptionalPeer } from './process/optional-peer-suite.js';
export type { NativeObservations, NativeSpan } from './prometheus/native-buckets.js';
export { bucketNativeObservations, nativeBucketIndex } from './prometheus/native-buckets.js';
export {
  PROMETHEUS_2_ACCEPT,
  PROMETHEUS_2_NATIVE_HISTOGRAMS_ACCEPT,
  PROMETHEUS_3_ACCEPT,
  PROMETHEUS_3_TEXT_ONLY_ACCEPT,
} from './prometheus/prometheus-accept.js';
export type {
  QueryResult,
  RunningPrometheus,
  ScrapeJob,
  StartPrometheusOptions,
  TargetState,
} from './prometheus/prometheus-server.js';
export { startPrometheus } from './prometheus/prometheus-server.js';
export type { PromtoolResult } from './prometheus/promtool.js';
export { promtoolCheckMetrics } from './prometheus/promtool.js';
export type { DecodedMessage } from './prometheus/protoc-decoder.js';
export { protocDecode, splitDelimitedMessages } from './prometheus/protoc-decoder.js';
export type { LogNormalOptions } from './random/log-normal-samples.js';
export { logNormalSamples } from './random/log-normal-samples.js';
export type { RecordedMessage, RecordingLogger } from './recording-logger.js';
export { createRecordingLogger } from './recording-logger.js';
export type { DistributionTotals } from './statsd/distribution-totals.js';
export { distributionTotals } from './statsd/distribution-totals.js';
export type { StatsdDaemon } from './statsd/statsd-daemon.js';
export { startStatsdDaemon } from './statsd/statsd-daemon.js';
export type { TcpLineServer } from './statsd/tcp-line-server.js';
export { startTcpLineServer } from './statsd/tcp-line-server.js';
export type { UdpListener } from './statsd/udp-listener.js';
export { freeUdpPort, startUdpListener } from './statsd/udp-listener.js';
export type { UnixDatagramListener } from './statsd/unix-datagram-listener.js';
export { startUnixDatagramListener } from './statsd/unix-datagram-listener.js';
export { requireBinary } from './system-binary.js';
export type { WaitForOptions } from './wait-for.js';
export { waitFor } from './wait-for.js';
