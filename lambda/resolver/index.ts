import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AppSyncResolverEvent, Context } from 'aws-lambda';
import { createApiResolver } from './api-resolver';
import { bundledModels } from './bundled-models';
import { readResolverSettings } from './settings';

// Built once per cold start and reused by every invocation the sandbox serves.
const api = bundledModels();
const settings = readResolverSettings(process.env, api);
// Region, credentials and endpoint (AWS_ENDPOINT_URL_DYNAMODB) come from the SDK's own configuration chain.
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const router = createApiResolver({ documentClient, api, ...settings });

export const handler = (event: AppSyncResolverEvent<Record<string, unknown>>, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<unknown> =>
  router.resolve(event, context);
