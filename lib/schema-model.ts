import { readFileSync } from 'node:fs';
import {
  type DocumentNode,
  type EnumTypeDefinitionNode,
  type FieldDefinitionNode,
  GraphQLError,
  type InputObjectTypeDefinitionNode,
  type InputValueDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  parse,
  Source,
  type TypeNode,
} from 'graphql';
import { type ApiModels, type ModelDescription, ModelOperation, type TypeRef, tableVariableOf } from '../lambda/resolver/model';
import { TRANSLATABLE_OPERATORS } from '../lambda/resolver/model-expression';
import { locatedMessage, schemaProblems } from './schema-check';

/*
 * Reads the models of an AppSync schema written in the shape Amplify's @model transformer generates (`type X`,
 * `CreateXInput`, `UpdateXInput`, `DeleteXInput`, `ModelXFilterInput`, `ModelXConditionInput`, `ModelXConnection`,
 * the `Model<Scalar>Input` operator inputs) into the description the resolver serves them from.
 *
 * Which root field serves which operation is read from the fields' types, not guessed from their names: a Query
 * field returning `ModelXConnection` lists X, one returning `X` with a single non-null argument gets it by that key,
 * a Mutation field taking `input: CreateXInput!` creates one, and so on. A root field that fits none of these is
 * served by nothing, and that is an error here, at synth, rather than an UnknownFieldException at run time.
 */

const SCALARS = new Set([
  'ID',
  'String',
  'Int',
  'Float',
  'Boolean',
  'AWSDate',
  'AWSTime',
  'AWSDateTime',
  'AWSTimestamp',
  'AWSEmail',
  'AWSJSON',
  'AWSURL',
  'AWSPhone',
  'AWSIPAddress',
]);
const TIMESTAMP_FIELDS = ['createdAt', 'updatedAt'];
const LOGICAL_KEYS = new Set(['and', 'or', 'not']);

/** The schema cannot be served as written: every problem is listed, each naming its type and field. */
export class SchemaModelError extends Error {
  override name = 'SchemaModelError';

  constructor(
    readonly schemaPath: string,
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`${schemaPath}: ${problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`}`, options);
  }
}

/**
 * The schema file is not valid GraphQL, or not a schema AppSync builds: each problem is `file:LINE:COL: message` and
 * the offending line, and the message is nothing else (no construct path: the file is what to fix).
 */
export class SchemaError extends SchemaModelError {
  override name = 'SchemaError';

  constructor(problems: readonly string[], options?: ErrorOptions) {
    super('', problems, options);
    this.message = problems.join('\n');
  }
}

/** The models of the schema file at `schemaPath`. */
export function readApiModels(schemaPath: string): ApiModels {
  let document: DocumentNode;
  const source = new Source(readFileSync(schemaPath, 'utf8'), schemaPath);
  try {
    document = parse(source);
  } catch (error) {
    if (error instanceof GraphQLError) throw new SchemaError([locatedMessage(error, source, schemaPath)], { cause: error });
    throw error;
  }
  // The model reader's problems first: they say what the resolver needs; then anything else AppSync would refuse.
  const models = new SchemaReader(document, schemaPath).read();
  const problems = schemaProblems(document, source, schemaPath);
  if (problems.length > 0) throw new SchemaError(problems);
  return models;
}

class SchemaReader {
  private readonly objects = new Map<string, ObjectTypeDefinitionNode>();
  private readonly inputs = new Map<string, InputObjectTypeDefinitionNode>();
  private readonly enumDefinitions = new Map<string, EnumTypeDefinitionNode>();
  private readonly problems: string[] = [];
  private readonly rootTypeNames = { query: 'Query', mutation: 'Mutation' };

  constructor(
    document: DocumentNode,
    private readonly schemaPath: string,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OBJECT_TYPE_DEFINITION) this.objects.set(definition.name.value, definition);
      else if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) this.inputs.set(definition.name.value, definition);
      else if (definition.kind === Kind.ENUM_TYPE_DEFINITION) this.enumDefinitions.set(definition.name.value, definition);
      else if (definition.kind === Kind.SCHEMA_DEFINITION) {
        for (const operation of definition.operationTypes) {
          if (operation.operation === 'query') this.rootTypeNames.query = operation.type.name.value;
          if (operation.operation === 'mutation') this.rootTypeNames.mutation = operation.type.name.value;
        }
      }
    }
  }

  read(): ApiModels {
    const operations = new Map<string, Partial<Record<ModelOperation, string>>>();
    const assign = (modelName: string, operation: ModelOperation, field: FieldDefinitionNode, root: string) => {
      const served = operations.get(modelName) ?? {};
      if (served[operation] !== undefined) {
        this.problems.push(
          `${root}.${field.name.value}: ${modelName} already has a ${operation} field (${served[operation]}); a model has at most one of each`,
        );
        return;
      }
      served[operation] = field.name.value;
      operations.set(modelName, served);
    };

    for (const field of this.rootFields(this.rootTypeNames.query)) {
      const served = this.queryOperation(field);
      if (typeof served === 'string') this.problems.push(`${this.rootTypeNames.query}.${field.name.value}: ${served}`);
      else assign(served.model, served.operation, field, this.rootTypeNames.query);
    }
    for (const field of this.rootFields(this.rootTypeNames.mutation)) {
      const served = this.mutationOperation(field);
      if (typeof served === 'string') this.problems.push(`${this.rootTypeNames.mutation}.${field.name.value}: ${served}`);
      else assign(served.model, served.operation, field, this.rootTypeNames.mutation);
    }

    // In the order the schema declares the types, so adding a root field never reorders the models.
    const declared = [...this.objects.keys()];
    const models = [...operations].sort(([a], [b]) => declared.indexOf(a) - declared.indexOf(b)).map(([name, served]) => this.model(name, served));
    const operatorInputs = this.operatorInputs(models);
    const enums = this.enums(models, operatorInputs);
    if (this.problems.length > 0) throw new SchemaModelError(this.schemaPath, this.problems);
    return { models, operatorInputs, enums };
  }

  private rootFields(typeName: string): readonly FieldDefinitionNode[] {
    return this.objects.get(typeName)?.fields ?? [];
  }

  /** Which model operation a Query field is, or why it is none. */
  private queryOperation(field: FieldDefinitionNode): { model: string; operation: ModelOperation } | string {
    const returned = namedType(field.type);
    const connection = /^Model(\w+)Connection$/.exec(returned);
    if (connection && this.objects.has(connection[1])) {
      return { model: connection[1], operation: ModelOperation.LIST };
    }
    const args = field.arguments ?? [];
    if (this.objects.has(returned) && args.length === 1 && args[0].type.kind === Kind.NON_NULL_TYPE) {
      return { model: returned, operation: ModelOperation.GET };
    }
    return (
      `no resolver serves this field: the model resolver serves a get (returns a model type, takes its key as the only, ` +
      `non-null, argument) and a list (returns Model<Type>Connection) per model. Give it that shape, or remove it`
    );
  }

  /** Which model operation a Mutation field is, or why it is none. */
  private mutationOperation(field: FieldDefinitionNode): { model: string; operation: ModelOperation } | string {
    const input = (field.arguments ?? []).find((argument) => argument.name.value === 'input');
    const inputType = input ? namedType(input.type) : '';
    const shape = /^(Create|Update|Delete)(\w+)Input$/.exec(inputType);
    if (shape && this.objects.has(shape[2])) {
      const operation = { Create: ModelOperation.CREATE, Update: ModelOperation.UPDATE, Delete: ModelOperation.DELETE }[shape[1] as 'Create'];
      return { model: shape[2], operation };
    }
    return (
      'no resolver serves this field: the model resolver serves mutations that take `input: CreateXInput!`, ' +
      '`UpdateXInput!` or `DeleteXInput!` for a model type X. Give it that shape, or remove it'
    );
  }

  private model(name: string, operations: Partial<Record<ModelOperation, string>>): ModelDescription {
    const type = this.objects.get(name)!;
    const fields: Record<string, TypeRef> = {};
    for (const field of type.fields ?? []) {
      const ref = typeRefOf(field.type);
      if (!SCALARS.has(ref.name) && !this.enumDefinitions.has(ref.name)) {
        this.problems.push(
          `${name}.${field.name.value}: its type ${ref.name} is not a scalar or an enum; the model resolver stores scalars, enums and lists of them (relationships need a resolver of their own)`,
        );
        continue;
      }
      fields[field.name.value] = ref;
    }
    const key = this.keyOf(name, operations);
    if (key !== undefined && fields[key]?.name !== 'ID' && fields[key]?.name !== 'String') {
      this.problems.push(`${name}.${key}: the key must be an ID or String field of ${name}`);
    }
    const description: ModelDescription = {
      name,
      key: key ?? 'id',
      tableVariable: tableVariableOf(name),
      fields,
      timestamps: TIMESTAMP_FIELDS.filter((field) => field in fields),
      operations,
      ...(operations.create ? { createInput: this.inputFields(`Create${name}Input`, name, fields) } : {}),
      ...(operations.update ? { updateInput: this.inputFields(`Update${name}Input`, name, fields) } : {}),
      ...(operations.list ? { filter: this.operatorFields(this.filterInputOf(operations.list), name, fields) } : {}),
      ...(this.conditionInputOf(operations) ? { condition: this.operatorFields(this.conditionInputOf(operations)!, name, fields) } : {}),
    };
    return description;
  }

  /** The key is the get field's argument; a model without a get is keyed by `id`, as Amplify's default. */
  private keyOf(name: string, operations: Partial<Record<ModelOperation, string>>): string | undefined {
    if (operations.get === undefined) {
      if (!this.objects.get(name)?.fields?.some((field) => field.name.value === 'id')) {
        this.problems.push(`${name}: it has no get field and no id field, so nothing says what its key is; add \`id: ID!\``);
        return undefined;
      }
      return 'id';
    }
    const get = this.rootFields(this.rootTypeNames.query).find((field) => field.name.value === operations.get)!;
    return get.arguments![0].name.value;
  }

  private filterInputOf(listField: string): string | undefined {
    const list = this.rootFields(this.rootTypeNames.query).find((field) => field.name.value === listField);
    const filter = list?.arguments?.find((argument) => argument.name.value === 'filter');
    return filter ? namedType(filter.type) : undefined;
  }

  private conditionInputOf(operations: Partial<Record<ModelOperation, string>>): string | undefined {
    for (const fieldName of [operations.create, operations.update, operations.delete]) {
      const field = this.rootFields(this.rootTypeNames.mutation).find((candidate) => candidate.name.value === fieldName);
      const condition = field?.arguments?.find((argument) => argument.name.value === 'condition');
      if (condition) return namedType(condition.type);
    }
    return undefined;
  }

  /** `CreateTodoInput`'s fields, each of which must be a field of the model with the same base type. */
  private inputFields(inputName: string, modelName: string, modelFields: Readonly<Record<string, TypeRef>>): Record<string, TypeRef> {
    const input = this.inputs.get(inputName);
    if (input === undefined) {
      this.problems.push(`${inputName}: the schema uses it but does not declare it`);
      return {};
    }
    const fields: Record<string, TypeRef> = {};
    for (const field of input.fields ?? []) {
      const ref = typeRefOf(field.type);
      const modelField = modelFields[field.name.value];
      if (modelField === undefined) {
        this.problems.push(`${inputName}.${field.name.value}: ${modelName} has no field ${field.name.value}; add it to type ${modelName} too`);
      } else if (modelField.name !== ref.name || Boolean(modelField.list) !== Boolean(ref.list)) {
        this.problems.push(`${inputName}.${field.name.value}: its type differs from ${modelName}.${field.name.value}'s; make them the same`);
      }
      fields[field.name.value] = ref;
    }
    return fields;
  }

  /** A filter or condition input: each model field and its operator input type; and/or/not are implied. */
  private operatorFields(inputName: string | undefined, modelName: string, modelFields: Readonly<Record<string, TypeRef>>): Record<string, string> {
    if (inputName === undefined) return {};
    const input = this.inputs.get(inputName);
    if (input === undefined) {
      this.problems.push(`${inputName}: the schema uses it but does not declare it`);
      return {};
    }
    const fields: Record<string, string> = {};
    for (const field of input.fields ?? []) {
      if (LOGICAL_KEYS.has(field.name.value)) continue;
      if (modelFields[field.name.value] === undefined) {
        this.problems.push(`${inputName}.${field.name.value}: ${modelName} has no field ${field.name.value}; add it to type ${modelName} too`);
        continue;
      }
      fields[field.name.value] = namedType(field.type);
    }
    return fields;
  }

  /** Every operator input the models' filters and conditions use (and ModelSizeInput, which `size` takes). */
  private operatorInputs(models: readonly ModelDescription[]): Record<string, Record<string, TypeRef>> {
    const pending = new Set(models.flatMap((model) => [...Object.values(model.filter ?? {}), ...Object.values(model.condition ?? {})]));
    const operatorInputs: Record<string, Record<string, TypeRef>> = {};
    for (const inputName of pending) {
      const input = this.inputs.get(inputName);
      if (input === undefined) {
        this.problems.push(`${inputName}: the schema uses it but does not declare it`);
        continue;
      }
      const operators: Record<string, TypeRef> = {};
      for (const operator of input.fields ?? []) {
        const name = operator.name.value;
        if (!(TRANSLATABLE_OPERATORS as readonly string[]).includes(name)) {
          this.problems.push(`${inputName}.${name}: not an operator the model resolver translates (${TRANSLATABLE_OPERATORS.join(', ')})`);
          continue;
        }
        operators[name] = typeRefOf(operator.type);
        if (name === 'size') pending.add(namedType(operator.type));
      }
      operatorInputs[inputName] = operators;
    }
    return operatorInputs;
  }

  private enums(models: readonly ModelDescription[], operatorInputs: Record<string, Record<string, TypeRef>>): Record<string, string[]> {
    const used = new Set([
      ...models.flatMap((model) => Object.values(model.fields).map((ref) => ref.name)),
      ...Object.values(operatorInputs).flatMap((operators) => Object.values(operators).map((ref) => ref.name)),
    ]);
    const enums: Record<string, string[]> = {};
    for (const [name, definition] of this.enumDefinitions) {
      if (used.has(name)) enums[name] = (definition.values ?? []).map((value) => value.name.value);
    }
    return enums;
  }
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

function typeRefOf(type: TypeNode | InputValueDefinitionNode['type']): TypeRef {
  const nonNull = type.kind === Kind.NON_NULL_TYPE;
  const inner = type.kind === Kind.NON_NULL_TYPE ? type.type : type;
  if (inner.kind === Kind.LIST_TYPE) {
    const element = inner.type;
    return { name: namedType(element), list: true, ...(element.kind === Kind.NON_NULL_TYPE ? { elementNonNull: true } : {}), ...(nonNull ? { nonNull } : {}) };
  }
  return { name: namedType(inner), ...(nonNull ? { nonNull } : {}) };
}
