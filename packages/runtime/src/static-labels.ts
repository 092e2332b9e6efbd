import {
  type BoundCounter,
  type BoundGauge,
  type BoundHistogram,
  type Counter,
  type Gauge,
  type Histogram,
  InvalidOptionError,
  type LabelSchema,
  type LabelValue,
} from '@servermetrics/core';

/** A runtime gauge: unlabelled, or labelled with its own labels and the static labels. */
export type RuntimeGauge = Gauge<LabelSchema>;
/** A runtime counter, labelled like RuntimeGauge. */
export type RuntimeCounter = Counter<LabelSchema>;
/** A runtime histogram, labelled like RuntimeGauge. */
export type RuntimeHistogram = Histogram<LabelSchema>;

/** Label names the runtime metrics use themselves; a static label cannot take one of them. */
export const OWN_LABEL_NAMES: readonly string[] = Object.freeze([
  'type',
  'space',
  'kind',
  'state',
  'version',
  'major',
  'minor',
  'patch',
]);

/**
 * StaticLabels holds the labels added to every runtime series (the `labels` option) and builds
 * label schemas and label objects that put a metric's own labels first, as prom-client does.
 */
export class StaticLabels {
  /** The static label values, frozen. */
  readonly values: Readonly<Record<string, string>>;
  private readonly schema: Readonly<Record<string, 'string'>>;

  /** Validates `values`: an object of string values whose names are not one of OWN_LABEL_NAMES. */
  constructor(values: Readonly<Record<string, string>> | undefined) {
    const given = values ?? {};
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      throw new InvalidOptionError(
        'labels',
        'labels must be an object mapping label names to string values.',
      );
    }
    const copy: Record<string, string> = {};
    const schema: Record<string, 'string'> = {};
    for (const [name, value] of Object.entries(given)) {
      if (typeof value !== 'string') {
        throw new InvalidOptionError(
          'labels',
          `label "${name}" must have a string value, got ${typeof value}.`,
        );
      }
      if (OWN_LABEL_NAMES.includes(name)) {
        throw new InvalidOptionError(
          'labels',
          `label "${name}" is used by the runtime metrics themselves; pick another name.`,
        );
      }
      copy[name] = value;
      schema[name] = 'string';
    }
    this.values = Object.freeze(copy);
    this.schema = Object.freeze(schema);
  }

  /** True when there is no static label. */
  get isEmpty(): boolean {
    return Object.keys(this.values).length === 0;
  }

  /** The label schema of a metric whose own labels are `own`: own labels first, then the static ones. */
  schemaWith(own: LabelSchema = {}): LabelSchema {
    return { ...own, ...this.schema };
  }

  /** The label object of a series whose own label values are `own`, followed by the static values. */
  labelsWith(own: Readonly<Record<string, LabelValue>>): Record<string, LabelValue> {
    return { ...own, ...this.values };
  }

  /** The one series of a gauge without own labels. */
  bindGauge(gauge: RuntimeGauge): BoundGauge {
    return this.isEmpty ? (gauge as unknown as Gauge).with() : gauge.with(this.values);
  }

  /** The one series of a counter without own labels. */
  bindCounter(counter: RuntimeCounter): BoundCounter {
    return this.isEmpty ? (counter as unknown as Counter).with() : counter.with(this.values);
  }

  /** The series of a histogram for its own label values `own`. */
  bindHistogram(histogram: RuntimeHistogram, own: Readonly<Record<string, LabelValue>>): BoundHistogram {
    return histogram.with(this.labelsWith(own));
  }
}
