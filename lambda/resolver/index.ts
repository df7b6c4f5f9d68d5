import type { AppSyncResolverEvent, Context } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readResolverSettings } from './settings';
import { createTodoResolver, type TodoFieldResult } from './todo-resolver';

// Built once per cold start and reused by every invocation the sandbox serves.
const settings = readResolverSettings(process.env);
// Region, credentials and endpoint (AWS_ENDPOINT_URL_DYNAMODB) come from the SDK's own configuration chain.
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const todoResolver = createTodoResolver({ documentClient, ...settings });

export const handler = (
  event: AppSyncResolverEvent<Record<string, unknown>>,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<TodoFieldResult> => todoResolver.resolve(event, context);
