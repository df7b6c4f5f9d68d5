/**
 * Stage 1, the document: a query text parsed and validated against the schema. Both depend on nothing but the text
 * and the schema, and clients send the same few operations again and again, so the result is kept per schema (least
 * recently used dropped first; documents are never mutated: graphql-js treats them as immutable).
 */
import { type DocumentNode, GraphQLError, type GraphQLSchema, parse, specifiedRules, validate } from 'graphql';
import { syntaxError, validationErrors } from './errors';
import { answer, type StageResult } from './stage';

/** Parsed and validated documents kept per schema, and the longest query text kept. */
export const DOCUMENT_CACHE_ENTRIES = 200;
export const DOCUMENT_CACHE_MAX_QUERY_CHARS = 16 * 1024;
/** Parsing stops past this many tokens, so that a huge document cannot hold the server (AppSync has limits too). */
export const MAX_QUERY_TOKENS = 100_000;

interface CheckedDocument {
  readonly document: DocumentNode;
  readonly validation: readonly GraphQLError[];
}

const documentCaches = new WeakMap<GraphQLSchema, Map<string, CheckedDocument>>();

/** Throws parse's GraphQLError for a syntax error (not kept). */
function checkedDocument(schema: GraphQLSchema, query: string): CheckedDocument {
  let cache = documentCaches.get(schema);
  if (!cache) documentCaches.set(schema, (cache = new Map()));
  const cached = cache.get(query);
  if (cached) {
    // Most recently used last.
    cache.delete(query);
    cache.set(query, cached);
    return cached;
  }
  const document = parse(query, { maxTokens: MAX_QUERY_TOKENS });
  const checked: CheckedDocument = { document, validation: validate(schema, document, specifiedRules, { maxErrors: 50 }) };
  if (query.length <= DOCUMENT_CACHE_MAX_QUERY_CHARS) {
    cache.set(query, checked);
    if (cache.size > DOCUMENT_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  }
  return checked;
}

/** The document, or AppSync's answer to a syntax or validation error. */
export function documentStage(schema: GraphQLSchema, query: string, decisions: string[]): StageResult<DocumentNode> {
  let checked: CheckedDocument;
  try {
    checked = checkedDocument(schema, query);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    decisions.push('syntax error');
    return answer({ data: null, errors: [syntaxError(error, query)] }, decisions);
  }
  if (checked.validation.length > 0) {
    decisions.push(`${checked.validation.length} validation error(s)`);
    return answer({ data: null, errors: validationErrors(schema, checked.document, checked.validation) }, decisions);
  }
  return { next: checked.document };
}
