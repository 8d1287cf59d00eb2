import { z } from 'zod';
import { DISCONNECT_CODES } from '../core/disconnect.js';
import type { Envelope } from '../core/ports/bus.js';

// An envelope as it travels between nodes: JSON, checked on arrival. What comes off the wire is
// `unknown` until this schema accepts it (another node may run another version).

const userRef = z.object({ id: z.string(), name: z.string(), role: z.enum(['owner', 'op', 'voice']).optional() });
const modLogEntry = z.object({
  id: z.string(),
  room: z.string(),
  ts: z.number(),
  actor: z.string(),
  action: z.enum(['op', 'deop', 'voice', 'devoice', 'kick', 'ban', 'unban', 'mute', 'unmute', 'invite', 'mode', 'owner']),
  target: z.string(),
  reason: z.string(),
  detail: z.string(),
});
const message = z.object({
  id: z.string(),
  room: z.string(),
  seq: z.number().int().nonnegative(),
  kind: z.enum(['chat', 'action', 'topic']),
  author: z.string(),
  text: z.string(),
  ts: z.number(),
});

const chatEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), message }),
  z.object({ type: z.literal('join'), room: z.string(), user: userRef }),
  z.object({ type: z.literal('leave'), room: z.string(), user: userRef, reason: z.string() }),
  z.object({ type: z.literal('rename'), from: z.string(), to: z.string(), id: z.string() }),
  z.object({
    type: z.literal('private'),
    id: z.string(),
    from: z.string(),
    to: z.string(),
    text: z.string(),
    action: z.boolean(),
    ts: z.number(),
  }),
  z.object({ type: z.literal('typing'), room: z.string(), user: userRef }),
  z.object({ type: z.literal('broadcast'), from: z.string(), text: z.string(), ts: z.number() }),
  z.object({ type: z.literal('moderation'), entry: modLogEntry }),
  z.object({ type: z.literal('disconnect'), code: z.enum(DISCONNECT_CODES), reason: z.string() }),
]);

const audience = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('room'), room: z.string() }),
  z.object({ kind: z.literal('rooms'), rooms: z.array(z.string()) }),
  z.object({ kind: z.literal('user'), key: z.string() }),
  z.object({ kind: z.literal('all') }),
]);

export const EnvelopeSchema = z.object({
  audience,
  event: chatEvent,
  except: z.string().optional(),
  author: z.string().optional(),
  origin: z.string().optional(),
  quiet: z.boolean().optional(),
});

// Both directions must hold, so that a new ChatEvent variant fails to compile here until the
// schema learns it (otherwise its envelopes would be dropped as invalid by every other node).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Wire = z.infer<typeof EnvelopeSchema>;
const sameShape: Same<Wire, DeepMutable<Envelope>> = true;
void sameShape;
type DeepMutable<T> = T extends readonly (infer U)[]
  ? DeepMutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
    : T;

export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope);
}

/** The envelope, or why the text is not one. */
export function decodeEnvelope(text: string): { envelope: Envelope } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return { error: `not JSON: ${error.message}` };
    throw error;
  }
  const parsed = EnvelopeSchema.safeParse(value);
  if (!parsed.success) return { error: `not an envelope: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? ''}` };
  return { envelope: parsed.data };
}
