/** Headers as Node gives them (`IncomingMessage.headers`): lower-case names, a string or a list per name. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** One entry of a comma-separated header such as Accept or Accept-Encoding. */
export interface QualityEntry {
  /** The media range or coding, lower-cased: `application/openmetrics-text`, `gzip`. */
  readonly token: string;
  /** The `q` weight from 0 to 1; 1 when absent, 0 when unreadable. */
  readonly quality: number;
  /** Other parameters with lower-cased names and unquoted values, e.g. `version`. */
  readonly parameters: ReadonlyMap<string, string>;
}

/** The value of a header, list values joined with `,` (how HTTP defines repeated list headers). */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(',');
}

/**
 * Parses a comma-separated header with `q` weights (Accept, Accept-Encoding) into its entries,
 * in header order. Tolerant: empty entries are skipped, a malformed `q` weighs 0.
 */
export function parseQualityList(header: string): QualityEntry[] {
  const entries: QualityEntry[] = [];
  for (const part of header.split(',')) {
    const pieces = part.split(';');
    const token = pieces[0]!.trim().toLowerCase();
    if (token === '') continue;
    let quality = 1;
    const parameters = new Map<string, string>();
    for (let index = 1; index < pieces.length; index++) {
      const piece = pieces[index]!;
      const equals = piece.indexOf('=');
      if (equals < 0) continue;
      const name = piece.slice(0, equals).trim().toLowerCase();
      let value = piece.slice(equals + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (name === 'q') {
        const parsed = value === '' ? Number.NaN : Number(value);
        quality = parsed >= 0 && parsed <= 1 ? parsed : 0;
      } else {
        parameters.set(name, value);
      }
    }
    entries.push({ token, quality, parameters });
  }
  return entries;
}
