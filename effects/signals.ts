/**
 * Signal forwarding for `record` and record shims: while a recorded command runs, the
 * signals that would end cli-replay are passed on to it instead, so cli-replay survives to
 * log the call and clean up (REC-5, REC-12).
 *
 * @module
 */

/** The signals forwarded to the recorded command. */
export const FORWARDED_SIGNALS: readonly Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];

/** Where forwarded signals go; set `child` once the command has been spawned. */
export interface SignalForwarder extends Disposable {
  /** The running command; signals received before it is set are delivered when it is. */
  setChild(child: Deno.ChildProcess): void;
  /** The last signal received, if any. */
  readonly received: Deno.Signal | undefined;
}

function _kill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // the child has already exited
  }
}

/**
 * Starts forwarding SIGINT, SIGTERM, SIGHUP and SIGQUIT to a child process. Disposing stops
 * forwarding and restores the default behaviour.
 *
 * @returns The forwarder; call `setChild` after spawning.
 */
export function forwardSignals(): SignalForwarder {
  let child: Deno.ChildProcess | undefined;
  let received: Deno.Signal | undefined;
  const handlers = FORWARDED_SIGNALS.map((signal) => {
    const handler = () => {
      received = signal;
      if (child !== undefined) _kill(child, signal);
    };
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });
  return {
    setChild(value: Deno.ChildProcess): void {
      child = value;
      if (received !== undefined) _kill(value, received);
    },
    get received() {
      return received;
    },
    [Symbol.dispose](): void {
      for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
    },
  };
}
