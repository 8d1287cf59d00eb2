import type { FastifySchema, FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import { z } from 'zod';

/**
 * Lets Fastify routes declare zod schemas: zod validates input (one schema library for every
 * door), and the same schemas become the OpenAPI document through z.toJSONSchema().
 */

/** A request part that did not match its schema; the error handler turns it into a 400. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  readonly code = 'FST_ERR_VALIDATION';
  readonly issues: readonly z.core.$ZodIssue[];

  constructor(part: string, issues: readonly z.core.$ZodIssue[]) {
    const issue = issues[0];
    const where = issue && issue.path.length > 0 ? `.${issue.path.join('.')}` : '';
    super(`Invalid ${part}${where}: ${issue?.message ?? 'does not match the schema'}`);
    this.issues = issues;
  }
}

function isZod(schema: unknown): schema is z.ZodType {
  return schema instanceof z.ZodType;
}

export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if (!isZod(schema)) throw new TypeError(`Route schema for ${httpPart ?? 'input'} must be a zod schema.`);
  return (data: unknown) => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: new RequestValidationError(httpPart ?? 'input', result.error.issues) };
  };
};

/** Responses are built from typed values in our handlers; plain JSON.stringify is enough. */
export const jsonSerializerCompiler: FastifySerializerCompiler<unknown> = () => (data: unknown) => JSON.stringify(data);

function toJson(schema: unknown, io: 'input' | 'output'): unknown {
  if (!isZod(schema)) return schema;
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

const INPUT_PARTS = ['params', 'querystring', 'body', 'headers'] as const;

/** @fastify/swagger `transform`: the route's zod schemas as OpenAPI 3.0 JSON schemas. */
export function zodToOpenApi({ schema, url }: { schema: FastifySchema; url: string }): { schema: FastifySchema; url: string } {
  if (!schema) return { schema, url };
  const out: Record<string, unknown> = { ...schema };
  for (const part of INPUT_PARTS) if (schema[part] !== undefined) out[part] = toJson(schema[part], 'input');
  if (schema.response && typeof schema.response === 'object') {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(schema.response as Record<string, unknown>)) {
      responses[status] = toJson(response, 'output');
    }
    out.response = responses;
  }
  return { schema: out as FastifySchema, url };
}
