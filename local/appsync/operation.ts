/** Stage 2, the operation: the one the request names (or the only one), and the operations AppSync's HTTP endpoint refuses. */
import { type DocumentNode, Kind, type OperationDefinitionNode } from 'graphql';
import { locations, requestErrorBody, requestLevelError } from './errors';
import { answer, type StageResult } from './stage';

export interface SelectedOperation {
  readonly definition: OperationDefinitionNode;
  /** `query LIST_TODOS`, `mutation`, ... for logs. */
  readonly label: string;
}

/** The operation the request names (or the only one), whatever its type. */
export function findOperation(document: DocumentNode, operationName: string | null, decisions: string[]): StageResult<SelectedOperation> {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  let operation: OperationDefinitionNode | undefined;
  if (operationName !== null) {
    operation = operations.find((candidate) => candidate.name?.value === operationName);
    if (!operation) {
      decisions.push('unknown operation name');
      return answer({ data: null, errors: [requestLevelError(`Unknown operation named '${operationName}'.`, undefined)] }, decisions);
    }
  } else if (operations.length === 1) {
    operation = operations[0];
  } else {
    decisions.push('several operations, no operationName');
    return answer({ data: null, errors: [requestLevelError('Must provide operation name if query contains multiple operations.', undefined)] }, decisions);
  }
  const label = `${operation.operation}${operation.name ? ` ${operation.name.value}` : ''}`;
  return { next: { definition: operation, label } };
}

/** The operation of an HTTP request: AppSync's HTTP endpoint serves queries and mutations only. */
export function operationStage(document: DocumentNode, operationName: string | null, httpMethod: string, decisions: string[]): StageResult<SelectedOperation> {
  const found = findOperation(document, operationName, decisions);
  if ('outcome' in found) return found;
  const { definition: operation, label } = found.next;
  if (operation.operation === 'subscription') {
    // AppSync serves subscriptions over its real-time (WebSocket) endpoint only.
    decisions.push('subscription over HTTP refused');
    return answer(
      {
        data: null,
        errors: [
          {
            path: null,
            data: null,
            errorType: 'UnsupportedOperation',
            errorInfo: null,
            locations: locations(operation.loc ? [{ line: operation.loc.startToken.line, column: operation.loc.startToken.column }] : undefined),
            message:
              'Subscriptions are not supported over HTTP: subscribe through the real-time (WebSocket) endpoint, the GraphQL URL + /realtime (README, Subscriptions).',
          },
        ],
      },
      decisions,
      label,
    );
  }
  if (operation.operation === 'mutation' && httpMethod === 'GET') {
    decisions.push('mutation over GET refused');
    return {
      outcome: {
        status: 405,
        body: requestErrorBody('Mutations cannot be sent with GET; use POST.', 'MalformedHttpRequestException'),
        errorType: 'MalformedHttpRequestException',
        operation: label,
        decisions,
      },
    };
  }
  return found;
}
