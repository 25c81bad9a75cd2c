import { ACCOUNT, AwsError, REGION, str, type Tags } from './common.ts';
import type { Params, ServiceDef } from './service.ts';
import { stillPropagating, type Knobs } from './knobs.ts';

interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

interface LogStream {
  logStreamName: string;
  creationTime: number;
  events: LogEvent[];
}

export interface LogGroup {
  logGroupName: string;
  creationTime: number;
  retentionInDays?: number;
  tags: Tags;
  streams: Map<string, LogStream>;
}

const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const groupArn = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
const noGroup = () => new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
const noStream = () => new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');

/** CloudWatch Logs filter patterns, reduced to what a person types: terms that must all appear. */
function matchesPattern(pattern: string | undefined, message: string): boolean {
  if (!pattern || !pattern.trim()) return true;
  const terms = pattern.match(/"[^"]*"|\S+/g) ?? [];
  return terms.every((t) => (t.startsWith('-') ? !message.includes(t.slice(1)) : message.includes(t.replace(/^"|"$/g, ''))));
}

export class Logs {
  readonly groups = new Map<string, LogGroup>();

  constructor(private readonly knobs: () => Pick<Knobs, 'logGroupPropagationMs'> = () => ({ logGroupPropagationMs: 0 })) {}

  group(name: string): LogGroup {
    const g = this.groups.get(name);
    if (!g) throw noGroup();
    return g;
  }

  createGroup(name: string, tags: Tags = {}): LogGroup {
    if (this.groups.has(name)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    const g: LogGroup = { logGroupName: name, creationTime: Date.now(), tags, streams: new Map() };
    this.groups.set(name, g);
    return g;
  }

  createStream(group: string, stream: string): LogStream {
    const g = this.group(group);
    if (g.streams.has(stream)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    const s: LogStream = { logStreamName: stream, creationTime: Date.now(), events: [] };
    g.streams.set(stream, s);
    return s;
  }

  /** What the awslogs driver does with a task's output lines. */
  append(group: string, stream: string, message: string, timestamp = Date.now()): void {
    const g = this.groups.get(group);
    if (!g) return;
    const s = g.streams.get(stream) ?? this.createStream(group, stream);
    s.events.push({ timestamp, message, ingestionTime: Date.now() });
  }

  private byArn(arn: string): LogGroup {
    const name = /^arn:aws:logs:[^:]+:\d+:log-group:(.+?)(:\*)?$/.exec(arn)?.[1];
    if (!name) throw new AwsError('InvalidParameterException', `Invalid resource ARN: ${arn}`);
    return this.group(name);
  }

  service(): ServiceDef {
    const stream = (p: Params) => {
      const s = this.group(str(p, 'logGroupName', 'InvalidParameterException')).streams.get(str(p, 'logStreamName', 'InvalidParameterException'));
      if (!s) throw noStream();
      return s;
    };
    return {
      protocol: 'json',
      xmlns: '',
      ops: {
        CreateLogGroup: (p: Params) => {
          this.createGroup(str(p, 'logGroupName', 'InvalidParameterException'), { ...(p.tags ?? {}) });
          return {};
        },
        DescribeLogGroups: (p: Params) => {
          const prefix = typeof p.logGroupNamePrefix === 'string' ? p.logGroupNamePrefix : '';
          const all = [...this.groups.values()].filter((g) => g.logGroupName.startsWith(prefix)).sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : 1));
          const start = Number(p.nextToken ?? 0);
          const limit = Number(p.limit ?? 50);
          const page = all.slice(start, start + limit);
          return {
            logGroups: page.map((g) => ({
              logGroupName: g.logGroupName,
              creationTime: g.creationTime,
              retentionInDays: g.retentionInDays,
              metricFilterCount: 0,
              arn: `${groupArn(g.logGroupName)}:*`,
              logGroupArn: groupArn(g.logGroupName),
              storedBytes: 0,
              logGroupClass: 'STANDARD',
            })),
            nextToken: start + limit < all.length ? String(start + limit) : undefined,
          };
        },
        DeleteLogGroup: (p: Params) => {
          const name = str(p, 'logGroupName', 'InvalidParameterException');
          if (!this.groups.delete(name)) throw noGroup();
          return {};
        },
        PutRetentionPolicy: (p: Params) => {
          const g = this.group(str(p, 'logGroupName', 'InvalidParameterException'));
          if (stillPropagating(g.creationTime, this.knobs().logGroupPropagationMs)) {
            // API_PutRetentionPolicy: OperationAbortedException, "multiple concurrent requests to update the same resource were in conflict"
            throw new AwsError('OperationAbortedException', 'A conflicting operation is currently in progress against this resource. Please try again.');
          }
          const days = Number(p.retentionInDays);
          if (!RETENTION_DAYS.includes(days)) {
            throw new AwsError('InvalidParameterException', `1 validation error detected: Value '${p.retentionInDays}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
          }
          g.retentionInDays = days;
          return {};
        },
        DeleteRetentionPolicy: (p: Params) => {
          delete this.group(str(p, 'logGroupName', 'InvalidParameterException')).retentionInDays;
          return {};
        },
        TagResource: (p: Params) => {
          Object.assign(this.byArn(str(p, 'resourceArn', 'InvalidParameterException')).tags, p.tags ?? {});
          return {};
        },
        UntagResource: (p: Params) => {
          const g = this.byArn(str(p, 'resourceArn', 'InvalidParameterException'));
          for (const k of (p.tagKeys ?? []) as string[]) delete g.tags[k];
          return {};
        },
        ListTagsForResource: (p: Params) => ({ tags: { ...this.byArn(str(p, 'resourceArn', 'InvalidParameterException')).tags } }),
        TagLogGroup: (p: Params) => {
          Object.assign(this.group(str(p, 'logGroupName', 'InvalidParameterException')).tags, p.tags ?? {});
          return {};
        },
        UntagLogGroup: (p: Params) => {
          const g = this.group(str(p, 'logGroupName', 'InvalidParameterException'));
          for (const k of (p.tags ?? []) as string[]) delete g.tags[k];
          return {};
        },
        ListTagsLogGroup: (p: Params) => ({ tags: { ...this.group(str(p, 'logGroupName', 'InvalidParameterException')).tags } }),
        CreateLogStream: (p: Params) => {
          this.createStream(str(p, 'logGroupName', 'InvalidParameterException'), str(p, 'logStreamName', 'InvalidParameterException'));
          return {};
        },
        DescribeLogStreams: (p: Params) => {
          const g = this.group(str(p, 'logGroupName', 'InvalidParameterException'));
          const prefix = typeof p.logStreamNamePrefix === 'string' ? p.logStreamNamePrefix : '';
          if (prefix && p.orderBy === 'LastEventTime') throw new AwsError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
          let list = [...g.streams.values()].filter((s) => s.logStreamName.startsWith(prefix));
          const last = (s: LogStream) => s.events.at(-1)?.timestamp ?? 0;
          list.sort(p.orderBy === 'LastEventTime' ? (a, b) => last(a) - last(b) : (a, b) => (a.logStreamName < b.logStreamName ? -1 : 1));
          if (p.descending) list.reverse();
          const start = Number(p.nextToken ?? 0);
          const limit = Number(p.limit ?? 50);
          const total = list.length;
          list = list.slice(start, start + limit);
          return {
            logStreams: list.map((s) => ({
              logStreamName: s.logStreamName,
              creationTime: s.creationTime,
              firstEventTimestamp: s.events[0]?.timestamp,
              lastEventTimestamp: s.events.at(-1)?.timestamp,
              lastIngestionTime: s.events.at(-1)?.ingestionTime,
              arn: `${groupArn(g.logGroupName)}:log-stream:${s.logStreamName}`,
              storedBytes: 0,
            })),
            nextToken: start + limit < total ? String(start + limit) : undefined,
          };
        },
        PutLogEvents: (p: Params) => {
          const s = stream(p);
          for (const e of (p.logEvents ?? []) as Array<{ timestamp: number; message: string }>) {
            s.events.push({ timestamp: Number(e.timestamp), message: String(e.message), ingestionTime: Date.now() });
          }
          s.events.sort((a, b) => a.timestamp - b.timestamp);
          return { nextSequenceToken: String(s.events.length).padStart(56, '0') };
        },
        GetLogEvents: (p: Params) => {
          const s = stream(p);
          const limit = Number(p.limit ?? 10000);
          const inRange = (e: LogEvent) => (p.startTime === undefined || e.timestamp >= Number(p.startTime)) && (p.endTime === undefined || e.timestamp < Number(p.endTime));
          const indexed = s.events.map((e, i) => ({ e, i })).filter(({ e }) => inRange(e));
          const token = typeof p.nextToken === 'string' ? /^([fb])\/(\d+)$/.exec(p.nextToken) : null;
          if (typeof p.nextToken === 'string' && !token) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
          let page: typeof indexed;
          if (token?.[1] === 'f') page = indexed.filter(({ i }) => i >= Number(token[2])).slice(0, limit);
          else if (token?.[1] === 'b') page = indexed.filter(({ i }) => i < Number(token[2])).slice(-limit);
          else page = p.startFromHead ? indexed.slice(0, limit) : indexed.slice(-limit);
          const first = page[0]?.i ?? (token ? Number(token[2]) : s.events.length);
          const next = page.length ? (page.at(-1)?.i ?? 0) + 1 : first;
          return {
            events: page.map(({ e }) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
            nextForwardToken: `f/${next}`,
            nextBackwardToken: `b/${first}`,
          };
        },
        FilterLogEvents: (p: Params) => {
          const g = this.group(str(p, 'logGroupName', 'InvalidParameterException'));
          const names = Array.isArray(p.logStreamNames) ? (p.logStreamNames as string[]) : undefined;
          const prefix = typeof p.logStreamNamePrefix === 'string' ? p.logStreamNamePrefix : undefined;
          const events = [...g.streams.values()]
            .filter((s) => (!names || names.includes(s.logStreamName)) && (!prefix || s.logStreamName.startsWith(prefix)))
            .flatMap((s) => s.events.map((e, i) => ({ ...e, logStreamName: s.logStreamName, eventId: `${s.logStreamName}/${i}` })))
            .filter((e) => (p.startTime === undefined || e.timestamp >= Number(p.startTime)) && (p.endTime === undefined || e.timestamp <= Number(p.endTime)))
            .filter((e) => matchesPattern(p.filterPattern, e.message))
            .sort((a, b) => a.timestamp - b.timestamp || a.ingestionTime - b.ingestionTime);
          const start = Number(p.nextToken ?? 0);
          const limit = Number(p.limit ?? 10000);
          return {
            events: events.slice(start, start + limit),
            nextToken: start + limit < events.length ? String(start + limit) : undefined,
          };
        },
      },
    };
  }
}
