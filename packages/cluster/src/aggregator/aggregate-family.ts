import type { MetricFamily, MetricType } from '@servermetrics/core';
import type { MergeRule } from '../merge/merge-rule.js';
import type { FamilyDefinition } from '../protocol/cluster-message.js';
import type { Aggregate } from './aggregate-series.js';

/**
 * One merged family: its definition (from the first worker that sent it), merge rule and
 * series. The family object is its own stable `metric` identity for exporters' caches.
 */
export class AggregateFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string | undefined;
  readonly unit: string | undefined;
  /** Label names as declared by the workers. */
  readonly sourceLabelNames: readonly string[];
  /** Label names as exported (the worker label appended when worker-labelled). */
  readonly labelNames: readonly string[];
  readonly bucketBounds: readonly number[];
  readonly rule: MergeRule;
  /** True when every series carries the worker label. */
  readonly workerLabelled: boolean;
  readonly series: Map<string, Aggregate> = new Map();
  private view: MetricFamily | undefined;

  constructor(definition: FamilyDefinition, rule: MergeRule, workerLabelled: boolean, workerLabel: string) {
    this.name = definition.name;
    this.type = definition.type;
    this.help = definition.help;
    this.unit = definition.unit;
    this.sourceLabelNames = Object.freeze([...definition.labelNames]);
    this.labelNames = Object.freeze(
      workerLabelled ? [...definition.labelNames, workerLabel] : [...definition.labelNames],
    );
    this.bucketBounds = Object.freeze([...definition.bucketBounds]);
    this.rule = rule;
    this.workerLabelled = workerLabelled;
  }

  /** Why `definition` cannot be merged into this family, or undefined when it can. */
  incompatibility(definition: FamilyDefinition): string | undefined {
    if (definition.type !== this.type)
      return `it is a ${definition.type} here and a ${this.type} in another worker`;
    if (!sameList(definition.labelNames, this.sourceLabelNames)) {
      return `its label names [${definition.labelNames.join(', ')}] differ from [${this.sourceLabelNames.join(', ')}] in another worker`;
    }
    if (!sameList(definition.bucketBounds, this.bucketBounds)) {
      return `its buckets [${definition.bucketBounds.join(', ')}] differ from [${this.bucketBounds.join(', ')}] in another worker`;
    }
    return undefined;
  }

  add(series: Aggregate): void {
    this.series.set(series.key, series);
    this.view = undefined;
  }

  remove(series: Aggregate): void {
    if (this.series.get(series.key) === series) {
      this.series.delete(series.key);
      this.view = undefined;
    }
  }

  /** The family as exporters read it; the same object until a series is added or removed. */
  collect(): MetricFamily {
    if (this.view !== undefined) return this.view;
    const base = {
      name: this.name,
      help: this.help,
      unit: this.unit,
      labelNames: this.labelNames,
      metric: this,
    };
    const series = [...this.series.values()];
    this.view =
      this.type === 'histogram'
        ? ({ ...base, type: 'histogram', bucketBounds: this.bucketBounds, series } as MetricFamily)
        : ({ ...base, type: this.type, series } as MetricFamily);
    return this.view;
  }
}

function sameList(left: readonly unknown[], right: readonly unknown[]): boolean {
  return left.length === right.length && left.every((item, index) => Object.is(item, right[index]));
}
