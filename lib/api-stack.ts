import { Annotations, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppConfig } from './config';
import { TodoApi } from './todo-api';

export interface TodoApiStackProps extends StackProps {
  readonly config: AppConfig;
  /** The time the key's expiry is checked against. @default now */
  readonly now?: Date;
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
      apiKeyLifetime: config.apiKeyLifetime,
      apiKeyGenerations: config.apiKeyGenerations,
      now: props.now,
      destroyDataOnDelete: config.destroyDataOnDelete,
      schemaPath: config.schemaPath,
    });
    for (const warning of config.warnings) Annotations.of(this).addWarningV2('todo:config', warning);
  }
}
