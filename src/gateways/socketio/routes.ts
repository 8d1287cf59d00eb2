import type { z } from 'zod';
import { chatError } from '../../core/errors.js';
import { ChatMessageSchema, JoinRoomSchema, RICH_REQUEST_NAMES, RICH_REQUESTS } from '../../protocol/socketio-shapes.js';
import { joinRoom } from './classic.js';
import { classicLine } from './classic-slash.js';
import { failed, type RequestContext, type Result } from './request.js';
import { RICH_HANDLERS } from './rich.js';

/** Checks one request's payload and runs it; a payload of the wrong shape is a bad_request. */
export type Route = (ctx: RequestContext, payload: unknown) => Promise<Result>;

function route<S extends z.ZodType>(event: string, schema: S, run: (ctx: RequestContext, input: z.output<S>) => Promise<Result>): [string, Route] {
  const checked: Route = async (ctx, payload) => {
    const parsed = schema.safeParse(payload);
    return parsed.success ? run(ctx, parsed.data) : failed(chatError('bad_request', describeIssue(event, parsed.error)));
  };
  return [event, checked];
}

function describeIssue(event: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `Invalid payload for "${event}".`;
  const where = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return `Invalid payload for "${event}"${where}: ${issue.message}`;
}

/**
 * Every event a client may send, classic and rich, by name. Built once for the process:
 * a connection registers one listener that looks requests up here, instead of one closure
 * per event name per socket (most of what an idle connection used to cost the door).
 */
export const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  route('joinRoom', JoinRoomSchema, (ctx, r) => joinRoom(ctx, r.username, r.room)),
  route('chatMessage', ChatMessageSchema, (ctx, text) => classicLine(ctx, text)),
  ...RICH_REQUEST_NAMES.map((name) =>
    route(name, RICH_REQUESTS[name], RICH_HANDLERS[name] as (ctx: RequestContext, request: unknown) => Promise<Result>),
  ),
]);
