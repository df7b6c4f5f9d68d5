/**
 * What the resolver knows about the API's models: a plain-JSON description that lib/schema-model.ts reads from
 * schema/schema.graphql at synth time and bundles into the function (see bundled-models.ts). Nothing in the
 * resolver names a model or a field of its own: a field added to the schema is a field added here.
 */

/** A GraphQL type as a field, an input field or an operator's operand declares it. */
export interface TypeRef {
  /** A scalar (`String`, `Int`, `AWSDateTime`, ...), an enum, or an input type's name. */
  readonly name: string;
  readonly nonNull?: boolean;
  /** `[name]`: a list of `name` (one level; AppSync's @model shape has no nested lists). */
  readonly list?: boolean;
  readonly elementNonNull?: boolean;
}

/** The root operations of Amplify's @model shape. */
export enum ModelOperation {
  GET = 'get',
  LIST = 'list',
  CREATE = 'create',
  UPDATE = 'update',
  DELETE = 'delete',
}

export interface ModelDescription {
  /** The object type's name: `Todo`. */
  readonly name: string;
  /** The partition key, the argument of the get field: `id`. */
  readonly key: string;
  /** The environment variable that holds the model's table name: `TODO_TABLE_NAME`. */
  readonly tableVariable: string;
  /** Every stored field of the type (scalars and enums, lists of them), in schema order. */
  readonly fields: Readonly<Record<string, TypeRef>>;
  /** Amplify's timestamps the server sets (`createdAt`, `updatedAt`), those the type declares. */
  readonly timestamps: readonly string[];
  /** The root field serving each operation the schema declares for this model. */
  readonly operations: Readonly<Partial<Record<ModelOperation, string>>>;
  /** `CreateXInput`'s fields. */
  readonly createInput?: Readonly<Record<string, TypeRef>>;
  /** `UpdateXInput`'s fields. */
  readonly updateInput?: Readonly<Record<string, TypeRef>>;
  /** `ModelXFilterInput`: each field's operator input type (`ModelStringInput`, ...), and/or/not aside. */
  readonly filter?: Readonly<Record<string, string>>;
  /** `ModelXConditionInput`, likewise. */
  readonly condition?: Readonly<Record<string, string>>;
}

export interface ApiModels {
  readonly models: readonly ModelDescription[];
  /** Operator input types (`ModelStringInput`, `ModelIntInput`, `ModelSizeInput`, ...): operator → operand type. */
  readonly operatorInputs: Readonly<Record<string, Readonly<Record<string, TypeRef>>>>;
  /** Enums the models' fields and operators use, with their values. */
  readonly enums: Readonly<Record<string, readonly string[]>>;
}

/** The environment variable of a model's table: `Todo` → `TODO_TABLE_NAME`, `TodoItem` → `TODOITEM_TABLE_NAME`. */
export function tableVariableOf(modelName: string): string {
  return `${modelName.toUpperCase()}_TABLE_NAME`;
}

/** How a field is written in a message: `Int`, `[String]!`. */
export function showType(type: TypeRef): string {
  const element = `${type.name}${type.list && type.elementNonNull ? '!' : ''}`;
  return `${type.list ? `[${element}]` : element}${type.nonNull ? '!' : ''}`;
}
