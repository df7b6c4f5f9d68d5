import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ApiModels, ModelOperation } from './model';
import { createModelResolver, type ModelResolverOptions } from './model-resolver';
import { FieldRouter } from './router';

export interface ApiResolverOptions extends Pick<ModelResolverOptions, 'now' | 'newId' | 'listTimeBudgetMs'> {
  documentClient: DynamoDBDocumentClient;
  api: ApiModels;
  /** Each model's table, by model name. */
  tableNames: Readonly<Record<string, string>>;
  paginationTokenKey: string;
}

/** Which root type each @model operation's field is on. */
export const ROOT_TYPE_OF: Readonly<Record<ModelOperation, 'Query' | 'Mutation'>> = {
  [ModelOperation.GET]: 'Query',
  [ModelOperation.LIST]: 'Query',
  [ModelOperation.CREATE]: 'Mutation',
  [ModelOperation.UPDATE]: 'Mutation',
  [ModelOperation.DELETE]: 'Mutation',
};

/** A router with every root field of every model registered: `Query.getTodo` → the Todo model's get, ... */
export function createApiResolver(options: ApiResolverOptions): FieldRouter {
  const { api, tableNames, ...shared } = options;
  const router = new FieldRouter();
  for (const model of api.models) {
    const resolver = createModelResolver({ ...shared, api, model, tableName: tableNames[model.name] });
    for (const [operation, fieldName] of Object.entries(model.operations) as [ModelOperation, string][]) {
      router.on(ROOT_TYPE_OF[operation], fieldName, resolver[operation]);
    }
  }
  return router;
}
