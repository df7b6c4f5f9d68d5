import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppConfig } from './config';
import { TodoApi } from './todo-api';

export interface TodoApiStackProps extends StackProps {
  readonly config: AppConfig;
}

/** The API side: AppSync, its resolver function and a table per model. */
export class TodoApiStack extends Stack {
  readonly todoApi: TodoApi;

  constructor(scope: Construct, id: string, props: TodoApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.todoApi = new TodoApi(this, 'TodoApi', {
      apiName: config.apiName,
      envName: config.envName,
      apiKeyExpiresInDays: config.apiKeyExpiresInDays,
      apiKeyGeneration: config.apiKeyGeneration,
      destroyDataOnDelete: config.destroyDataOnDelete,
      schemaPath: config.schemaPath,
    });
  }
}
