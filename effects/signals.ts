/**
 * Signal forwarding, the one mechanism for `exec`, `record` and record shims: while a child
 * runs, the signals that would end cli-replay are passed on to it instead, so cli-replay
 * survives to verify, log the call and clean up (EXEC-5, REC-5, REC-12). A signal that
 * arrives before there is a child is kept (`received`) and delivered when one is set.
 *
 * @module
 */

/** The signals forwarded to the child. */
export const FORWARDED_SIGNALS: readonly Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];

/** Where forwarded signals go; set the target once the child exists. */
export interface SignalForwarder extends Disposable {
  /** The running command; signals received before it is set are delivered when it is. */
  setChild(child: Deno.ChildProcess): void;
  /** Any receiver of signals (e.g. a process group); like `setChild`, delivers a kept one. */
  setTarget(target: (signal: Deno.Signal) => void): void;
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
 * Starts forwarding SIGINT, SIGTERM, SIGHUP and SIGQUIT to a child. Disposing stops
 * forwarding and restores the default behaviour.
 *
 * @returns The forwarder; call `setChild` or `setTarget` once the child exists.
 */
export function forwardSignals(): SignalForwarder {
  let target: ((signal: Deno.Signal) => void) | undefined;
  let received: Deno.Signal | undefined;
  const handlers = FORWARDED_SIGNALS.map((signal) => {
    const handler = () => {
      received = signal;
      target?.(signal);
    };
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });
  const setTarget = (value: (signal: Deno.Signal) => void): void => {
    target = value;
    if (received !== undefined) value(received);
  };
  return {
    setTarget,
    setChild(child: Deno.ChildProcess): void {
      setTarget((signal) => _kill(child, signal));
    },
    get received() {
      return received;
    },
    [Symbol.dispose](): void {
      for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
    },
  };
}
