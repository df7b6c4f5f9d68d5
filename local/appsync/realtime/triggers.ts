/**
 * Which subscription fields a mutation field triggers: `@aws_subscribe(mutations: ["createTodo", ...])` on a field of
 * the Subscription type (AppSync developer guide, "GraphQL schema subscription directives").
 */
import { type GraphQLDirective, getDirectiveValues } from 'graphql';
import type { ApiRuntime } from '../schema';

/** Mutation field name → the Subscription fields it publishes to. */
export type SubscriptionTriggers = ReadonlyMap<string, readonly string[]>;

export function subscriptionTriggers(runtime: ApiRuntime): SubscriptionTriggers {
  const triggers = new Map<string, string[]>();
  const directive = runtime.schema.getDirective('aws_subscribe') as GraphQLDirective | undefined;
  const subscriptionType = runtime.schema.getSubscriptionType();
  if (!directive || !subscriptionType) return triggers;
  for (const field of Object.values(subscriptionType.getFields())) {
    if (!field.astNode) continue;
    const mutations = getDirectiveValues(directive, field.astNode)?.mutations;
    if (!Array.isArray(mutations)) continue;
    for (const mutation of mutations) {
      if (typeof mutation !== 'string') continue;
      const fields = triggers.get(mutation) ?? [];
      if (!fields.includes(field.name)) fields.push(field.name);
      triggers.set(mutation, fields);
    }
  }
  return triggers;
}
