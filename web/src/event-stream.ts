/**
 * A server-sent event stream read with fetch instead of EventSource, which cannot send headers (the
 * API key). Same behaviour a client relies on: events dispatched by type, `retry:` honoured, and a
 * dropped connection resumed with `Last-Event-ID`. It stops for good after a terminal event, on
 * `close()`, or on an HTTP error (reported once through `onError`, e.g. a 401 without the key).
 */

export interface StreamEvent {
  id: number;
  type: string;
  data: unknown;
}

export interface EventStreamOptions {
  headers?: () => Record<string, string>;
  /** Event types after which the server ends the stream and the client must not reconnect. */
  terminal?: string[];
  onEvent: (event: StreamEvent) => void;
  /** The stream was refused (HTTP status and the server's message); no reconnection follows. */
  onError?: (status: number, message: string) => void;
  /** The connection dropped and will be retried: a chance to look at the job otherwise. */
  onDisconnect?: () => void;
}

export interface EventStream {
  close(): void;
}

export function openEventStream(url: string, o: EventStreamOptions): EventStream {
  const abort = new AbortController();
  const terminal = new Set(o.terminal ?? []);
  let lastId = 0;
  let retryMs = 2000;
  let ended = false;

  const dispatch = (block: string) => {
    let type = 'message';
    let id: number | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id' && /^\d+$/.test(value)) id = Number(value);
      else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
    }
    if (id !== undefined) lastId = id;
    if (!data.length) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.join('\n'));
    } catch {
      parsed = data.join('\n');
    }
    o.onEvent({ id: id ?? lastId, type, data: parsed });
    if (terminal.has(type)) ended = true;
  };

  const connect = async (): Promise<void> => {
    while (!ended && !abort.signal.aborted) {
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream', ...(o.headers?.() ?? {}) };
        if (lastId) headers['last-event-id'] = String(lastId);
        const res = await fetch(url, { headers, signal: abort.signal, cache: 'no-store' });
        if (!res.ok || !res.body) {
          const body = await res.json().catch(() => undefined);
          o.onError?.(res.status, body?.error?.message ?? `The server answered ${res.status}.`);
          return;
        }
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (ended) {
              void reader.cancel();
              return;
            }
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      if (ended || abort.signal.aborted) return;
      o.onDisconnect?.();
      await new Promise((r) => setTimeout(r, retryMs));
    }
  };
  void connect();
  return {
    close() {
      ended = true;
      abort.abort();
    },
  };
}
