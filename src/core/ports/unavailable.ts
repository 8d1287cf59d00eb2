/** Which outside service a port stands for; named in logs and in readiness reports. */
export type PortName = 'bus' | 'names' | 'presence';

/**
 * What a port's promise rejects with when its service (Redis, for the cluster ports) cannot be
 * reached. An expected failure: the core answers the command with the chat error
 * `bus_unavailable` and acknowledges nothing. Any other rejection is a defect and is not
 * to be caught as this one.
 */
export class PortUnavailableError extends Error {
  readonly code = 'bus_unavailable';

  constructor(
    readonly port: PortName,
    detail: string,
  ) {
    super(`${port} unavailable: ${detail}`);
    this.name = 'PortUnavailableError';
  }
}

export function isPortUnavailable(error: unknown): error is PortUnavailableError {
  return error instanceof PortUnavailableError;
}
