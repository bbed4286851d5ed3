// Reads what grpcurl prints (github.com/fullstorydev/grpcurl, cmd/grpcurl): response messages as
// JSON objects one after another, `-format-error` statuses as one JSON object on stderr, and with
// `-v` the response headers, contents and trailers under headings of their own.

/**
 * Every top-level JSON object in `text`, in order, each read with JSON.parse. Text between
 * objects (grpc-go's log lines on stderr, blank lines) is skipped; braces inside JSON strings are
 * not counted.
 */
export function jsonObjects(text: string): any[] {
  const objects: any[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"' && depth > 0) {
      inString = true;
    } else if (char === '{') {
      if (depth++ === 0) start = i;
    } else if (char === '}' && depth > 0) {
      if (--depth === 0) objects.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return objects;
}

/** The one JSON object `-format-error` prints on stderr for a call that failed. */
export interface GrpcurlStatus {
  code: number;
  message: string;
  details?: Array<Record<string, any>>;
}

/** The status of a failed call, read from grpcurl's stderr (run with `-format-error`). */
export function formattedStatus(stderr: string): GrpcurlStatus {
  const objects = jsonObjects(stderr);
  if (objects.length !== 1) {
    throw new Error(
      `expected one status object from -format-error, got ${objects.length}: ${stderr}`,
    );
  }
  return objects[0] as GrpcurlStatus;
}

/** What `grpcurl -v` printed about one call. */
export interface VerboseCall {
  /** Response headers by lower-case name; empty for a Trailers-Only response. */
  headers: Map<string, string[]>;
  /** Response messages, parsed. */
  messages: any[];
  /** Trailers by lower-case name (a Trailers-Only response's headers land here too). */
  trailers: Map<string, string[]>;
}

/** Splits `grpcurl -v` standard output into headers, messages and trailers. */
export function verboseCall(stdout: string): VerboseCall {
  const lines = stdout.split('\n');
  const call: VerboseCall = { headers: new Map(), messages: [], trailers: new Map() };
  const readMetadata = (
    from: number,
    into: Map<string, string[]>,
    stop: (line: string) => boolean,
  ) => {
    let i = from;
    for (; i < lines.length && !stop(lines[i]!); i++) {
      const line = lines[i]!;
      if (line === '(empty)') continue;
      const colon = line.indexOf(': ');
      if (colon < 0)
        throw new Error(`not a metadata line in grpcurl -v output: ${JSON.stringify(line)}`);
      const name = line.slice(0, colon).toLowerCase();
      into.set(name, [...(into.get(name) ?? []), line.slice(colon + 2)]);
    }
    return i;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === 'Response headers received:') {
      i = readMetadata(i + 1, call.headers, (next) => next === '');
    } else if (line === 'Response trailers received:') {
      i = readMetadata(i + 1, call.trailers, (next) => next === '' || next.startsWith('Sent '));
    } else if (line === 'Response contents:') {
      // Pretty-printed JSON holds no blank line: the message runs to the next one.
      let end = i + 1;
      while (end < lines.length && lines[end] !== '') end++;
      call.messages.push(JSON.parse(lines.slice(i + 1, end).join('\n')));
      i = end;
    }
  }
  return call;
}
