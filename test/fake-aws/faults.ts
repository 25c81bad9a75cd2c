import { AwsError } from './common.ts';
import type { Protocol } from './wire.ts';

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
  error: (protocol: Protocol) => AwsError;
}

/** The throttling error each protocol family uses; the SDKs retry all three. */
function throttling(protocol: Protocol): AwsError {
  if (protocol === 'ec2') return new AwsError('RequestLimitExceeded', 'Request limit exceeded.', 503);
  if (protocol === 'query') return new AwsError('Throttling', 'Rate exceeded', 400);
  return new AwsError('ThrottlingException', 'Rate exceeded', 400);
}

export class Faults {
  private armed: Armed[] = [];

  add(fault: Fault): void {
    if ('throttle' in fault) {
      const { service, operation, count } = fault.throttle;
      this.armed.push({ service, operation, remaining: count, error: throttling });
    } else {
      const { service, operation, code, message, status, count } = fault.fail;
      this.armed.push({ service, operation, remaining: count ?? 1, error: () => new AwsError(code, message ?? `Injected ${code}`, status ?? 400) });
    }
  }

  clear(): void {
    this.armed = [];
  }

  /** The injected error for this call, if any (and uses it up). */
  take(service: string, operation: string, protocol: Protocol): AwsError | undefined {
    const hit = this.armed.find((a) => a.remaining > 0 && (!a.service || a.service === service) && (!a.operation || a.operation === operation));
    if (!hit) return undefined;
    hit.remaining--;
    this.armed = this.armed.filter((a) => a.remaining > 0);
    return hit.error(protocol);
  }
}
