import { AwsError } from './common.ts';

export interface ThrottleFault {
  service?: string;
  operation?: string;
  /** how many matching calls answer with the throttling error */
  count: number;
}

export interface FailFault {
  service?: string;
  operation: string;
  code: string;
  message?: string;
  status?: number;
  /** how many matching calls fail (default 1; Infinity: every one) */
  count?: number;
}

export type Fault = { throttle: ThrottleFault } | { fail: FailFault };

interface Armed {
  service?: string;
  operation?: string;
  remaining: number;
  error: (throttling: () => AwsError) => AwsError;
}

export class Faults {
  private armed: Armed[] = [];

  add(fault: Fault): void {
    if ('throttle' in fault) {
      const { service, operation, count } = fault.throttle;
      this.armed.push({ service, operation, remaining: count, error: (throttling) => throttling() });
    } else {
      const { service, operation, code, message, status, count } = fault.fail;
      this.armed.push({ service, operation, remaining: count ?? 1, error: () => new AwsError(code, message ?? `Injected ${code}`, status ?? 400) });
    }
  }

  clear(): void {
    this.armed = [];
  }

  /** The injected error for this call, if any (and uses it up); `throttling` is the protocol's own. */
  take(service: string, operation: string, throttling: () => AwsError): AwsError | undefined {
    const hit = this.armed.find((a) => a.remaining > 0 && (!a.service || a.service === service) && (!a.operation || a.operation === operation));
    if (!hit) return undefined;
    hit.remaining--;
    this.armed = this.armed.filter((a) => a.remaining > 0);
    return hit.error(throttling);
  }
}
