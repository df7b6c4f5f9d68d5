/**
 * Every generated document (the committed graphql/*.ts, which committed-files.test.ts holds equal to a fresh
 * generation) parses, validates against schema/schema.graphql with AppSync's scalars, is the one operation its
 * export names, and selects `__typename` in every selection set, as Amplify's typename introspection does.
 */
import {
  type DocumentNode,
  type FieldNode,
  type GraphQLObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  validate,
  visit,
} from 'graphql';
import * as mutations from '../../../graphql/mutations';
import * as queries from '../../../graphql/queries';
import * as subscriptions from '../../../graphql/subscriptions';
import { loadProjectSchema } from '../../support/appsync-schema';

const schema = loadProjectSchema();

const modules = [
  ['queries', 'query', queries, schema.getQueryType()],
  ['mutations', 'mutation', mutations, schema.getMutationType()],
  ['subscriptions', 'subscription', subscriptions, schema.getSubscriptionType()],
] as const;

function onlyOperation(document: DocumentNode): OperationDefinitionNode {
  expect(document.definitions).toHaveLength(1);
  const [definition] = document.definitions;
  if (definition.kind !== Kind.OPERATION_DEFINITION) throw new Error(`expected an operation, got ${definition.kind}`);
  return definition;
}

/** The selection sets without `__typename` (those of object fields: a scalar field has none). */
function selectionSetsWithoutTypename(document: DocumentNode): string[] {
  const missing: string[] = [];
  const path: string[] = [];
  visit(document, {
    Field: {
      enter(node: FieldNode) {
        path.push(node.name.value);
      },
      leave() {
        path.pop();
      },
    },
    SelectionSet(node: SelectionSetNode, _key, parent) {
      // The operation's own selection set is the root type's, which has no __typename in Amplify's output.
      if (parent && !Array.isArray(parent) && (parent as { kind?: string }).kind === Kind.OPERATION_DEFINITION) return;
      const hasTypename = node.selections.some((selection) => selection.kind === Kind.FIELD && selection.name.value === '__typename');
      if (!hasTypename) missing.push(path.join('.'));
    },
  });
  return missing;
}

describe.each(modules)('graphql/%s.ts', (_file, operationType, module, rootType) => {
  const entries = Object.entries(module as Record<string, string>);

  it('cover every root field of the schema, one export per field', () => {
    expect(entries.map(([name]) => name).sort()).toEqual(Object.keys((rootType as GraphQLObjectType).getFields()).sort());
  });

  describe.each(entries)('%s', (exportName, text) => {
    const document = parse(text);
    const operation = onlyOperation(document);

    it('is valid against schema/schema.graphql', () => {
      expect(validate(schema, document).map((error) => error.message)).toEqual([]);
    });

    it('is the operation its export names', () => {
      expect(operation.operation).toBe(operationType);
      expect(operation.name?.value).toBe(exportName[0].toUpperCase() + exportName.slice(1));
      const rootFields = operation.selectionSet.selections.map((selection) => (selection.kind === Kind.FIELD ? selection.name.value : selection.kind));
      expect(rootFields).toEqual([exportName]);
    });

    it('selects __typename in every object selection set', () => {
      expect(text).toMatch(/__typename/);
      expect(selectionSetsWithoutTypename(document)).toEqual([]);
    });
  });
});

it('the __typename check finds a selection set without it', () => {
  const document = parse('query Q { listTodos { items { id } nextToken __typename } getTodo(id: "1") { id } }');
  expect(selectionSetsWithoutTypename(document)).toEqual(['listTodos.items', 'getTodo']);
});
