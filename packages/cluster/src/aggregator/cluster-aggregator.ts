import type { Cluster, Worker as ClusterProcessWorker } from 'node:cluster';
import type { MessagePort, Worker as ThreadWorker } from 'node:worker_threads';
import {
  type CollectHookFailure,
  consoleLogger,
  describeValue,
  InvalidOptionError,
  type LabelValue,
  type Logger,
  MAX_NAME_LENGTH,
  type MetricFamily,
  type MetricProducer,
  RateLimitedLogger,
} from '@servermetrics/core';
import { portChannel } from '../channel/worker-channel.js';
import { DEFAULT_GAUGE_MERGE, isMergeRule, MERGE_RULES, type MergeRule } from '../merge/merge-rule.js';
import {
  decodeValue,
  type FamilyDefinition,
  isClusterMessage,
  MESSAGE_MARKER,
  PROTOCOL_VERSION,
  type RequestMessage,
} from '../protocol/cluster-message.js';
import { readDuration } from '../worker/cluster-worker.js';
import { AggregateFamily } from './aggregate-family.js';
import {
  type Aggregate,
  type Contributor,
  CounterAggregate,
  GaugeAggregate,
  HistogramAggregate,
} from './aggregate-series.js';
import { ClusterAggregatorMetrics } from './cluster-aggregator-metrics.js';
import {
  type ClusterAggregatorOptions,
  DEFAULT_AGGREGATOR_REFRESH_TIMEOUT_MS,
  DEFAULT_DEAD_WORKER_RETENTION_MS,
  DEFAULT_MAX_SERIES_PER_METRIC,
  DEFAULT_MERGE_RULES,
  DEFAULT_WORKER_LABEL,
} from './cluster-aggregator-options.js';
import { NativeAggregate } from './native-aggregate.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** WorkerConnection is the aggregator's end of one worker's channel (see `ClusterAggregator.connect`). */
export interface WorkerConnection {
  /** Hands the aggregator a message from the worker (anything: what is not ours is ignored). */
  receive(message: unknown): void;
  /** The worker is gone (exit, closed channel): see `deadWorkerRetentionMs` for what stays. */
  close(): void;
}

/** The minimal `node:cluster` surface `attachCluster` uses (the module itself, in the primary). */
export type ClusterLike = Pick<Cluster, 'on' | 'off'>;

/** One connected worker. */
class WorkerMember implements Contributor {
  name = '';
  /** False once `close()` ran (its later messages are ignored). */
  alive = true;
  diedAt = 0;
  /** Families this worker defined, by its id (a refused one is an orphan family nobody exports). */
  readonly families: Map<number, AggregateFamily> = new Map();
  /** Series this worker introduced, by its id (aggregate undefined: dropped by the series limit). */
  readonly series: Map<number, { family: AggregateFamily; aggregate: Aggregate | undefined }> = new Map();
  /** Worker-labelled series this worker wrote, removed `deadWorkerRetentionMs` after its exit. */
  readonly labelled: Map<Aggregate, AggregateFamily> = new Map();

  constructor(readonly send: (message: unknown) => boolean) {}
}

/** A refresh waiting for answers. */
interface PendingRefresh {
  readonly waiting: Set<WorkerMember>;
  resolve(): void;
}

/**
 * ClusterAggregator is a MetricProducer holding one merged view of every worker's metrics, fed
 * by ClusterWorkers over IPC (`node:cluster`, PM2), MessagePorts (`worker_threads`) or any
 * channel you connect. Serve it like a registry: `metricsHandler({ registry: aggregator })`,
 * `new StatsdExporter({ registries: [aggregator] })`.
 *
 * - Workers send deltas; the aggregate accumulates them, so counters and histograms are the sum
 *   of everything every worker ever counted and never go backwards when a worker dies or
 *   restarts (no `resets()` in Prometheus).
 * - Gauges merge by their rule (`clusterMerge`, the `merge` option, DEFAULT_MERGE_RULES, else
 *   `sum`) over the live workers, or keep one series per worker (`'worker'`, or `perWorker`).
 * - `refresh()` (called by exporters before a scrape or flush) asks every live worker for its
 *   changes and waits at most `refreshTimeoutMs`: a slow or dead worker never blocks or fails a
 *   scrape; its last known contribution is served and counted in
 *   `servermetrics_cluster_stale_workers`. Nothing waits for late answers: their deltas are
 *   applied when they arrive (dropping a delta would lose counts) and counted in
 *   `servermetrics_cluster_late_messages_total`.
 * - Memory is bounded: `maxSeriesPerMetric` per metric, per-worker series of dead workers
 *   removed after `deadWorkerRetentionMs`, no per-request state beyond the deadline.
 *
 * Malformed or conflicting messages (another type, labels or buckets for the same name) are
 * dropped, logged (rate-limited) and counted in `servermetrics_cluster_invalid_messages_total`;
 * nothing a worker sends can make the aggregator throw.
 */
export class ClusterAggregator implements MetricProducer {
  readonly logger: Logger;
  /** The aggregator's own metrics (also served by `collect()` unless `selfMetrics: false`). */
  readonly metrics: ClusterAggregatorMetrics = new ClusterAggregatorMetrics();
  private readonly refreshTimeoutMs: number;
  private readonly perWorker: boolean;
  private readonly workerLabel: string;
  private readonly mergeOverrides: ReadonlyMap<string, MergeRule>;
  private readonly retentionMs: number;
  private readonly maxSeries: number;
  private readonly selfMetrics: boolean;
  private readonly reporter: RateLimitedLogger;
  private readonly families = new Map<string, AggregateFamily>();
  /** Connected workers: `close()` removes a worker, so every member is alive. */
  private readonly members = new Set<WorkerMember>();
  private readonly dead: WorkerMember[] = [];
  private readonly pending = new Map<number, PendingRefresh>();
  private running: Promise<readonly CollectHookFailure[]> | undefined;
  private nextRequestId = 1;
  private order = 0;
  private sorted: AggregateFamily[] | undefined;

  /** Throws InvalidOptionError on an invalid option. */
  constructor(options: ClusterAggregatorOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError(
        'options',
        `new ClusterAggregator(options) takes an options object, got ${describeValue(options)}.`,
      );
    }
    this.refreshTimeoutMs = readDuration(
      options.refreshTimeoutMs,
      'refreshTimeoutMs',
      DEFAULT_AGGREGATOR_REFRESH_TIMEOUT_MS,
      false,
    );
    this.retentionMs = readDuration(
      options.deadWorkerRetentionMs,
      'deadWorkerRetentionMs',
      DEFAULT_DEAD_WORKER_RETENTION_MS,
      true,
    );
    const maxSeries = options.maxSeriesPerMetric ?? DEFAULT_MAX_SERIES_PER_METRIC;
    if (!Number.isSafeInteger(maxSeries) || maxSeries < 1) {
      throw new InvalidOptionError(
        'maxSeriesPerMetric',
        `maxSeriesPerMetric must be a positive integer, got ${describeValue(maxSeries)}.`,
      );
    }
    this.maxSeries = maxSeries;
    if (options.perWorker !== undefined && typeof options.perWorker !== 'boolean') {
      throw new InvalidOptionError(
        'perWorker',
        `perWorker must be true or false, got ${describeValue(options.perWorker)}.`,
      );
    }
    this.perWorker = options.perWorker ?? false;
    if (options.selfMetrics !== undefined && typeof options.selfMetrics !== 'boolean') {
      throw new InvalidOptionError(
        'selfMetrics',
        `selfMetrics must be true or false, got ${describeValue(options.selfMetrics)}.`,
      );
    }
    this.selfMetrics = options.selfMetrics ?? true;
    const workerLabel = options.workerLabel ?? DEFAULT_WORKER_LABEL;
    if (
      typeof workerLabel !== 'string' ||
      !LABEL_NAME.test(workerLabel) ||
      workerLabel.startsWith('__') ||
      workerLabel === 'le'
    ) {
      throw new InvalidOptionError(
        'workerLabel',
        `workerLabel must be a label name (letters, digits, "_", not starting with a digit or "__", not "le"), got ${describeValue(workerLabel)}.`,
      );
    }
    this.workerLabel = workerLabel;
    const merge = options.merge ?? {};
    if (typeof merge !== 'object' || merge === null || Array.isArray(merge)) {
      throw new InvalidOptionError(
        'merge',
        `merge must be an object mapping metric names to merge rules, got ${describeValue(merge)}.`,
      );
    }
    const overrides = new Map<string, MergeRule>();
    for (const [name, rule] of Object.entries(merge)) {
      if (!isMergeRule(rule)) {
        throw new InvalidOptionError(
          'merge',
          `merge["${name}"] must be one of ${MERGE_RULES.map((known) => `'${known}'`).join(', ')}, got ${describeValue(rule)}.`,
        );
      }
      overrides.set(name, rule);
    }
    this.mergeOverrides = overrides;
    this.logger = options.logger ?? consoleLogger;
    this.reporter = new RateLimitedLogger(() => this.logger);
  }

  /** Workers connected now. */
  get liveWorkers(): number {
    let count = 0;
    for (const member of this.members) if (member.name !== '') count++;
    return count;
  }

  /**
   * Connects one worker through any transport: `send` delivers a message to the worker (returns
   * false when it cannot); call `receive` with every message from it and `close` when it is gone.
   * `attachCluster` and `attachThread` are built on this.
   */
  connect(send: (message: unknown) => boolean): WorkerConnection {
    const member = new WorkerMember(send);
    this.members.add(member);
    return {
      receive: (message: unknown): void => {
        if (!isClusterMessage(message) || !member.alive) return;
        try {
          this.receive(member, message as unknown as Record<string, unknown>);
        } catch (error) {
          this.invalid(member, `could not be applied (${String(error)})`);
        }
      },
      close: (): void => this.close(member),
    };
  }

  /**
   * Listens to `node:cluster` in the primary: every worker that runs a ClusterWorker joins when
   * its first update arrives and leaves on `exit`. Workers that never send anything are never
   * waited for. Returns a function that stops listening.
   */
  attachCluster(cluster: ClusterLike): () => void {
    const connections = new Map<ClusterProcessWorker, WorkerConnection>();
    const onMessage = (worker: ClusterProcessWorker, message: unknown): void => {
      if (!isClusterMessage(message)) return;
      let connection = connections.get(worker);
      if (connection === undefined) {
        connection = this.connect((outgoing) => {
          if (!worker.isConnected()) return false;
          try {
            worker.send(outgoing as never, undefined, () => {});
            return true;
          } catch {
            return false;
          }
        });
        connections.set(worker, connection);
      }
      connection.receive(message);
    };
    const onExit = (worker: ClusterProcessWorker): void => {
      connections.get(worker)?.close();
      connections.delete(worker);
    };
    cluster.on('message', onMessage);
    cluster.on('exit', onExit);
    return (): void => {
      cluster.off('message', onMessage);
      cluster.off('exit', onExit);
      for (const connection of connections.values()) connection.close();
      connections.clear();
    };
  }

  /**
   * Connects a `worker_threads` Worker whose thread runs a ClusterWorker: the thread hands over
   * a MessagePort of its own and all traffic goes through it (unref'd: it keeps nothing alive).
   * The thread leaves on `exit`. Returns a function that disconnects it.
   */
  attachThread(worker: Pick<ThreadWorker, 'on' | 'off'>): () => void {
    let detachPort: (() => void) | undefined;
    const onMessage = (message: unknown): void => {
      if (!isClusterMessage(message) || (message as { kind?: unknown }).kind !== 'connect') return;
      const port = (message as { port?: unknown }).port as MessagePort | undefined;
      if (typeof port !== 'object' || port === null || typeof port.postMessage !== 'function') return;
      detachPort?.();
      detachPort = this.attachPort(port);
    };
    const onExit = (): void => {
      detachPort?.();
      detachPort = undefined;
    };
    worker.on('message', onMessage);
    worker.on('exit', onExit);
    return (): void => {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      onExit();
    };
  }

  /** Connects a worker at the other end of `port` (unref'd). Returns a function that disconnects it. */
  attachPort(port: MessagePort): () => void {
    const channel = portChannel(port);
    const connection = this.connect((outgoing) => channel.send(outgoing));
    const stopListening = channel.onMessage((message) => connection.receive(message));
    const onClose = (): void => connection.close();
    port.on('close', onClose);
    return (): void => {
      stopListening();
      port.off('close', onClose);
      port.close();
      connection.close();
    };
  }

  /**
   * Asks every live worker for its changes and resolves when all answered or after
   * `refreshTimeoutMs`, whichever comes first. Never rejects and never reports a failure for a
   * late worker (it is counted in `servermetrics_cluster_stale_workers` and logged,
   * rate-limited). Concurrent calls share one round.
   */
  refresh(): Promise<readonly CollectHookFailure[]> {
    this.running ??= this.refreshRound().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** The merged families plus the aggregator's own metrics, in name order. Never throws. */
  collect(): readonly MetricFamily[] {
    this.sweep(Date.now());
    if (this.sorted === undefined) this.sorted = [...this.families.values()].sort(compareNames);
    const sorted = this.sorted;
    const merged = sorted.map((family) => family.collect());
    if (!this.selfMetrics) return merged;
    return [...merged, ...this.metrics.registry.collect()].sort(compareNames);
  }

  private async refreshRound(): Promise<readonly CollectHookFailure[]> {
    const started = performance.now();
    this.sweep(Date.now());
    const requestId = this.nextRequestId++;
    const request: RequestMessage = {
      servermetrics: MESSAGE_MARKER,
      version: PROTOCOL_VERSION,
      kind: 'request',
      requestId,
    };
    const waiting = new Set<WorkerMember>();
    for (const member of this.members) {
      if (member.name === '') continue;
      if (member.send(request)) waiting.add(member);
    }
    if (waiting.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.pending.set(requestId, { waiting, resolve });
        timer = setTimeout(resolve, this.refreshTimeoutMs);
        timer.unref?.();
      });
      clearTimeout(timer);
      this.pending.delete(requestId);
    }
    const stale = waiting.size;
    this.metrics.staleWorkers.set(stale);
    this.metrics.refreshDuration.observe((performance.now() - started) / 1000);
    if (stale > 0) {
      const names = [...waiting].map((member) => member.name).join(', ');
      this.reporter.log(
        'warn',
        'stale',
        () =>
          `ClusterAggregator: ${stale} worker(s) (${names}) did not answer within ${this.refreshTimeoutMs} ms; their last known values were used.`,
      );
    }
    return [];
  }

  private receive(member: WorkerMember, message: Record<string, unknown>): void {
    if (message.version !== PROTOCOL_VERSION) {
      this.invalid(
        member,
        `has protocol version ${describeValue(message.version)}, this aggregator reads ${PROTOCOL_VERSION} (run the same @servermetrics/cluster in the primary and the workers)`,
      );
      return;
    }
    if (message.kind !== 'update') return;
    const worker = message.worker;
    if (typeof worker !== 'string' || worker === '' || worker.length > MAX_NAME_LENGTH) {
      this.invalid(member, 'has no valid worker name');
      return;
    }
    if (member.name === '') {
      member.name = worker;
      this.metrics.workers.set(this.liveWorkers);
    }
    const problems: string[] = [];
    this.applyDefinitions(member, message.definitions, problems);
    this.applyNewSeries(member, message.newSeries, problems);
    this.applyValues(member, message.values, problems);
    this.applyHistograms(member, message.histograms, problems);
    this.applyNatives(member, message.natives, problems);
    this.applyRemoved(member, message.removed, problems);
    if (problems.length > 0) this.invalid(member, problems.slice(0, 3).join('; '));
    const requestId = message.requestId;
    if (requestId !== undefined) {
      const pending = typeof requestId === 'number' ? this.pending.get(requestId) : undefined;
      if (pending?.waiting.delete(member) === true) {
        if (pending.waiting.size === 0) pending.resolve();
      } else {
        this.metrics.lateMessages.inc();
      }
    }
  }

  private applyDefinitions(member: WorkerMember, definitions: unknown, problems: string[]): void {
    if (definitions === undefined) return;
    if (!Array.isArray(definitions)) {
      problems.push('definitions is not an array');
      return;
    }
    for (const candidate of definitions) {
      const definition = readDefinition(candidate);
      if (typeof definition === 'string') {
        problems.push(definition);
        continue;
      }
      if (member.families.has(definition.id)) {
        problems.push(`family id ${definition.id} defined twice`);
        continue;
      }
      member.families.set(definition.id, this.familyFor(definition, problems));
    }
  }

  private familyFor(definition: FamilyDefinition, problems: string[]): AggregateFamily {
    const existing = this.families.get(definition.name);
    if (existing !== undefined) {
      const problem = existing.incompatibility(definition);
      if (problem === undefined) return existing;
      problems.push(`"${definition.name}" is left out for this worker: ${problem}`);
      return orphan(definition, this.workerLabel);
    }
    const rule =
      this.mergeOverrides.get(definition.name) ?? definition.merge ?? DEFAULT_MERGE_RULES[definition.name];
    const effective: MergeRule =
      definition.type === 'gauge' ? (rule ?? DEFAULT_GAUGE_MERGE) : rule === 'worker' ? 'worker' : 'sum';
    const workerLabelled = this.perWorker || effective === 'worker';
    if (workerLabelled && definition.labelNames.includes(this.workerLabel)) {
      problems.push(
        `"${definition.name}" already has a "${this.workerLabel}" label, so it cannot get one per worker: choose another workerLabel`,
      );
      return orphan(definition, this.workerLabel);
    }
    const family = new AggregateFamily(definition, effective, workerLabelled, this.workerLabel);
    this.families.set(definition.name, family);
    this.sorted = undefined;
    return family;
  }

  private applyNewSeries(member: WorkerMember, newSeries: unknown, problems: string[]): void {
    if (newSeries === undefined) return;
    if (!Array.isArray(newSeries) || newSeries.length % 3 !== 0) {
      problems.push('newSeries is not a list of (family, series, labels) triples');
      return;
    }
    for (let index = 0; index < newSeries.length; index += 3) {
      const familyId = newSeries[index];
      const seriesId = newSeries[index + 1];
      const labelValues = newSeries[index + 2];
      const family = typeof familyId === 'number' ? member.families.get(familyId) : undefined;
      if (family === undefined || !Number.isSafeInteger(seriesId) || member.series.has(seriesId as number)) {
        problems.push(
          `series ${describeValue(seriesId)} of family ${describeValue(familyId)} is unknown or repeated`,
        );
        continue;
      }
      if (!isLabelValueList(labelValues, family.sourceLabelNames.length)) {
        problems.push(`series of "${family.name}" has invalid label values`);
        continue;
      }
      const values: LabelValue[] = family.workerLabelled ? [...labelValues, member.name] : [...labelValues];
      const key = JSON.stringify(values);
      let aggregate = family.series.get(key);
      if (aggregate === undefined) {
        if (family.series.size >= this.maxSeries) {
          this.metrics.droppedSeries.inc();
          this.reporter.log(
            'warn',
            `limit:${family.name}`,
            () =>
              `ClusterAggregator: "${family.name}" reached maxSeriesPerMetric (${this.maxSeries}); new series are dropped.`,
          );
          member.series.set(seriesId as number, { family, aggregate: undefined });
          continue;
        }
        aggregate =
          family.type === 'counter'
            ? new CounterAggregate(key, values)
            : family.type === 'histogram'
              ? new HistogramAggregate(key, values, family.bucketBounds.length + 1)
              : new GaugeAggregate(key, values, gaugeRule(family));
        family.add(aggregate);
      }
      member.series.set(seriesId as number, { family, aggregate });
      if (family.workerLabelled) member.labelled.set(aggregate, family);
    }
  }

  private applyValues(member: WorkerMember, values: unknown, problems: string[]): void {
    if (values === undefined) return;
    if (!Array.isArray(values) || values.length % 2 !== 0) {
      problems.push('values is not a list of (series, value) pairs');
      return;
    }
    for (let index = 0; index < values.length; index += 2) {
      const entry = member.series.get(values[index] as number);
      if (entry === undefined) {
        problems.push(`value for unknown series ${describeValue(values[index])}`);
        continue;
      }
      const aggregate = entry.aggregate;
      if (aggregate === undefined) continue;
      const value = decodeValue(values[index + 1]);
      if (aggregate instanceof CounterAggregate) {
        if (!(Number.isFinite(value) && value >= 0)) {
          problems.push(`counter "${entry.family.name}" got increase ${describeValue(values[index + 1])}`);
          continue;
        }
        aggregate.add(value, member);
      } else if (aggregate instanceof GaugeAggregate) {
        if (Number.isNaN(value)) {
          problems.push(`gauge "${entry.family.name}" got value ${describeValue(values[index + 1])}`);
          continue;
        }
        aggregate.set(value, member, ++this.order);
        if (!entry.family.series.has(aggregate.key)) entry.family.add(aggregate);
      } else {
        problems.push(`histogram "${entry.family.name}" got a single value`);
      }
    }
  }

  private applyHistograms(member: WorkerMember, histograms: unknown, problems: string[]): void {
    if (histograms === undefined) return;
    if (!Array.isArray(histograms)) {
      problems.push('histograms is not an array');
      return;
    }
    let index = 0;
    while (index < histograms.length) {
      const entry = member.series.get(histograms[index] as number);
      if (entry === undefined || entry.family.type !== 'histogram') {
        problems.push(
          `histogram update for unknown series ${describeValue(histograms[index])}; rest of the list dropped`,
        );
        return;
      }
      const bucketCount = entry.family.bucketBounds.length + 1;
      const end = index + 3 + bucketCount;
      if (end > histograms.length) {
        problems.push('histograms list is truncated');
        return;
      }
      const sum = histograms[index + 1];
      const count = histograms[index + 2];
      let valid =
        typeof sum === 'number' &&
        Number.isFinite(sum) &&
        typeof count === 'number' &&
        count >= 0 &&
        Number.isFinite(count);
      for (let bucket = index + 3; valid && bucket < end; bucket++) {
        const delta = histograms[bucket];
        valid = typeof delta === 'number' && Number.isFinite(delta) && delta >= 0;
      }
      const aggregate = entry.aggregate as HistogramAggregate | undefined;
      if (!valid) problems.push(`histogram "${entry.family.name}" got invalid increases`);
      else if (aggregate !== undefined) {
        aggregate.sum += sum as number;
        aggregate.count += count as number;
        for (let bucket = 0; bucket < bucketCount; bucket++)
          aggregate.bucketCounts[bucket]! += histograms[index + 3 + bucket] as number;
        aggregate.updateCount++;
        aggregate.writer = member;
      }
      index = end;
    }
  }

  /** Adds native histogram increases (`natives`, see UpdateMessage) to their aggregates. */
  private applyNatives(member: WorkerMember, natives: unknown, problems: string[]): void {
    if (natives === undefined) return;
    if (!Array.isArray(natives)) {
      problems.push('natives is not an array');
      return;
    }
    let index = 0;
    while (index < natives.length) {
      const entry = member.series.get(natives[index] as number);
      if (entry === undefined || entry.family.type !== 'histogram') {
        problems.push(
          `native histogram update for unknown series ${describeValue(natives[index])}; rest of the list dropped`,
        );
        return;
      }
      const [schema, zeroThreshold, zeroCount] = natives.slice(index + 1, index + 4) as unknown[];
      const sides: [number, number][][] = [];
      let next = index + 4;
      let valid =
        Number.isInteger(schema) &&
        (schema as number) >= -4 &&
        (schema as number) <= 8 &&
        isCount(zeroThreshold) &&
        isCount(zeroCount);
      for (let side = 0; valid && side < 2; side++) {
        const pairs = natives[next];
        const end = next + 1 + 2 * (pairs as number);
        if (!Number.isInteger(pairs) || (pairs as number) < 0 || end > natives.length) {
          problems.push('natives list is truncated');
          return;
        }
        const buckets: [number, number][] = [];
        for (let pair = next + 1; valid && pair < end; pair += 2) {
          const bucket = natives[pair];
          const count = natives[pair + 1];
          valid = Number.isSafeInteger(bucket) && isCount(count);
          buckets.push([bucket as number, count as number]);
        }
        sides.push(buckets);
        next = end;
      }
      const aggregate = entry.aggregate as HistogramAggregate | undefined;
      if (!valid) {
        problems.push(
          `histogram "${entry.family.name}" got invalid native increases; rest of the list dropped`,
        );
        return;
      }
      if (aggregate !== undefined) {
        aggregate.nativeSum ??= new NativeAggregate(schema as number, zeroThreshold as number);
        aggregate.nativeSum.add(
          schema as number,
          zeroThreshold as number,
          zeroCount as number,
          sides[0]!,
          sides[1]!,
        );
        aggregate.updateCount++;
        aggregate.writer = member;
      }
      index = next;
    }
  }

  private applyRemoved(member: WorkerMember, removed: unknown, problems: string[]): void {
    if (removed === undefined) return;
    if (!Array.isArray(removed)) {
      problems.push('removed is not an array');
      return;
    }
    for (const id of removed) {
      const entry = member.series.get(id as number);
      if (entry === undefined) continue;
      member.series.delete(id as number);
      const aggregate = entry.aggregate;
      // Counters and histograms keep what they counted; a gauge loses this worker's value.
      if (aggregate instanceof GaugeAggregate && aggregate.drop(member)) {
        entry.family.remove(aggregate);
        member.labelled.delete(aggregate);
      }
    }
  }

  private close(member: WorkerMember): void {
    if (!member.alive) return;
    member.alive = false;
    member.diedAt = Date.now();
    this.members.delete(member);
    if (member.name === '') return;
    this.metrics.workerExits.inc();
    this.metrics.workers.set(this.liveWorkers);
    for (const pending of this.pending.values()) {
      if (pending.waiting.delete(member) && pending.waiting.size === 0) pending.resolve();
    }
    for (const { family, aggregate } of member.series.values()) {
      if (aggregate instanceof GaugeAggregate && !family.workerLabelled && aggregate.drop(member))
        family.remove(aggregate);
    }
    member.series.clear();
    member.families.clear();
    if (member.labelled.size > 0) this.dead.push(member);
    this.sweep(member.diedAt);
  }

  /** Removes the worker-labelled series of workers dead for longer than `deadWorkerRetentionMs`. */
  private sweep(now: number): void {
    while (this.dead.length > 0 && now - this.dead[0]!.diedAt >= this.retentionMs) {
      const member = this.dead.shift()!;
      for (const [aggregate, family] of member.labelled) {
        if (aggregate.writer === member) family.remove(aggregate);
      }
      member.labelled.clear();
    }
  }

  private invalid(member: WorkerMember, problem: string): void {
    this.metrics.invalidMessages.inc();
    this.reporter.log(
      'error',
      'invalid',
      () =>
        `ClusterAggregator: a message from worker ${member.name === '' ? '(unnamed)' : `"${member.name}"`} ${problem}.`,
    );
  }
}

/** Reads a FamilyDefinition from a worker's message, or returns what is wrong with it. */
function readDefinition(candidate: unknown): FamilyDefinition | string {
  if (typeof candidate !== 'object' || candidate === null) return 'a family definition is not an object';
  const definition = candidate as Record<string, unknown>;
  const { id, name, type, help, unit, labelNames, bucketBounds, merge } = definition;
  if (!Number.isSafeInteger(id)) return 'a family definition has no valid id';
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH || !METRIC_NAME.test(name)) {
    return `family name ${describeValue(name)} is not a valid metric name`;
  }
  if (type !== 'counter' && type !== 'gauge' && type !== 'histogram')
    return `"${name}" has unknown type ${describeValue(type)}`;
  if (help !== undefined && typeof help !== 'string') return `"${name}" has a help that is not a string`;
  if (unit !== undefined && (typeof unit !== 'string' || !/^[a-zA-Z0-9_]+$/.test(unit)))
    return `"${name}" has an invalid unit`;
  if (
    !Array.isArray(labelNames) ||
    !labelNames.every(
      (label) =>
        typeof label === 'string' &&
        label.length <= MAX_NAME_LENGTH &&
        LABEL_NAME.test(label) &&
        !label.startsWith('__'),
    ) ||
    new Set(labelNames).size !== labelNames.length
  ) {
    return `"${name}" has invalid label names`;
  }
  if (
    !Array.isArray(bucketBounds) ||
    !bucketBounds.every(
      (bound, index) =>
        typeof bound === 'number' &&
        Number.isFinite(bound) &&
        (index === 0 || bound > (bucketBounds[index - 1] as number)),
    )
  ) {
    return `"${name}" has invalid buckets`;
  }
  // A native-only histogram has no classic bounds (its classic part is the +Inf bucket).
  if (type === 'histogram' && labelNames.includes('le')) return `histogram "${name}" has an "le" label`;
  if (merge !== undefined && merge !== null && !isMergeRule(merge))
    return `"${name}" has unknown merge rule ${describeValue(merge)}`;
  return {
    id: id as number,
    name,
    type,
    help: help as string | undefined,
    unit: unit as string | undefined,
    labelNames: labelNames as string[],
    bucketBounds: bucketBounds as number[],
    merge: (merge ?? undefined) as MergeRule | undefined,
  };
}

function compareNames(left: { name: string }, right: { name: string }): number {
  return left.name < right.name ? -1 : left.name > right.name ? 1 : 0;
}

/**
 * The rule a gauge series of `family` merges by: a worker-labelled series (`'worker'` or
 * `perWorker`) holds one worker name, so `last` (a restarted worker of that name replaces the
 * dead one's value kept for `deadWorkerRetentionMs`, never adds to it).
 */
function gaugeRule(family: AggregateFamily): Exclude<MergeRule, 'worker'> {
  return family.workerLabelled || family.rule === 'worker' ? 'last' : family.rule;
}

/** A family that is never exported: the updates of a refused family go there (already reported). */
function orphan(definition: FamilyDefinition, workerLabel: string): AggregateFamily {
  return new AggregateFamily(definition, 'sum', false, workerLabel);
}

function isLabelValueList(value: unknown, length: number): value is LabelValue[] {
  return (
    Array.isArray(value) &&
    value.length === length &&
    value.every(
      (item) =>
        (typeof item === 'string' && item.length <= 10_000) ||
        typeof item === 'boolean' ||
        (typeof item === 'number' && Number.isFinite(item)),
    )
  );
}

/** True for a finite number of zero or more (a count, a sum of counts, a zero threshold). */
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
