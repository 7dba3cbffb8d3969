import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import type { ReadColumn, ReadNode } from '../audit/compiled-read.js';

/** What a compiled read knows of a GraphQL object type: its fields that are columns, and those read as a level below it. */
export interface TypeRead {
  columns: Record<string, ReadColumn>;
  /** Thunks: types refer to each other. */
  nodes: Record<string, () => NodeRead>;
}

/** A level of a compiled read before the selection chose its fields. */
export type NodeRead = Omit<ReadNode, 'columns' | 'children'> & { type: TypeRead };

/** Per field node of a parsed document (Apollo keeps a document parsed per query text): its compiled shape, or null. */
const shapes = new WeakMap<FieldNode, ReadNode | null>();

/**
 * The read `root` declares, for exactly the fields the request selects under the field being resolved,
 * or null when the selection needs what only the field resolvers do (a field not declared, a field with
 * arguments, @skip/@include): the caller then takes the resolvers' path. Cached per selection shape.
 */
export function compileSelection(root: NodeRead, info: GraphQLResolveInfo): ReadNode | null {
  const [field, ...more] = info.fieldNodes;
  if (more.length > 0) return shape(root, info.fieldNodes, info);
  let compiled = shapes.get(field!);
  if (compiled === undefined) shapes.set(field!, (compiled = shape(root, [field!], info)));
  return compiled;
}

function shape(node: NodeRead, fields: readonly FieldNode[], info: GraphQLResolveInfo): ReadNode | null {
  const { type, ...read } = node;
  const selected = selection(fields, info);
  if (!selected) return null;
  const columns: Record<string, ReadColumn> = {};
  const children: Record<string, ReadNode> = {};
  for (const [name, nodes] of selected) {
    const column = type.columns[name];
    const below = type.nodes[name];
    if (column !== undefined) columns[name] = column;
    else if (below) {
      const child = shape(below(), nodes, info);
      if (!child) return null;
      children[name] = child;
    } else return null;
  }
  return { ...read, columns, children };
}

/** The fields selected under `fields` by name, but __typename; null for a directive or a field with arguments. */
function selection(fields: readonly FieldNode[], info: GraphQLResolveInfo): Map<string, FieldNode[]> | null {
  const selected = new Map<string, FieldNode[]>();
  for (const field of fields) {
    if (!field.selectionSet || !collect(field.selectionSet, info, selected)) return null;
  }
  selected.delete('__typename');
  for (const nodes of selected.values()) if (nodes.some((n) => n.arguments?.length)) return null;
  return selected;
}

/** The compiled levels of a field whose type is no table (myFamily), cached like compileSelection's. */
const objects = new WeakMap<FieldNode, Record<string, ReadNode> | null>();

/**
 * For a field of an object type that is no table but whose fields are levels (`myFamily`: `me`, `family`):
 * each selected field's read, or null when one is not in `levels` or does not compile.
 */
export function compileLevels(levels: Record<string, NodeRead>, info: GraphQLResolveInfo): Record<string, ReadNode> | null {
  const [field, ...more] = info.fieldNodes;
  if (more.length === 0 && objects.has(field!)) return objects.get(field!)!;
  const compiled = levelsShape(levels, info);
  if (more.length === 0) objects.set(field!, compiled);
  return compiled;
}

function levelsShape(levels: Record<string, NodeRead>, info: GraphQLResolveInfo): Record<string, ReadNode> | null {
  const selected = selection(info.fieldNodes, info);
  if (!selected) return null;
  const compiled: Record<string, ReadNode> = {};
  for (const [name, nodes] of selected) {
    const child = levels[name] ? shape(levels[name], nodes, info) : null;
    if (!child) return null;
    compiled[name] = child;
  }
  return compiled;
}

/**
 * A connection's (common/pagination.ts) nodes as `node` declares them, for exactly what the request selects
 * under `edges { node }`; null when it selects more of the connection than `edges { cursor node }` and
 * `pageInfo { hasNextPage endCursor }`, or a node's field that does not compile.
 */
export function compileConnection(node: NodeRead, info: GraphQLResolveInfo): ReadNode | null {
  const [field, ...more] = info.fieldNodes;
  if (more.length === 0 && shapes.has(field!)) return shapes.get(field!)!;
  const compiled = connectionShape(node, info);
  if (more.length === 0) shapes.set(field!, compiled);
  return compiled;
}

function connectionShape(node: NodeRead, info: GraphQLResolveInfo): ReadNode | null {
  const connection = selection(info.fieldNodes, info);
  if (!connection || [...connection.keys()].some((name) => name !== 'edges' && name !== 'pageInfo')) return null;
  const pageInfo = selection(connection.get('pageInfo') ?? [], info);
  if (!pageInfo || [...pageInfo.keys()].some((name) => name !== 'hasNextPage' && name !== 'endCursor')) return null;
  const edges = selection(connection.get('edges') ?? [], info);
  if (!edges || [...edges.keys()].some((name) => name !== 'cursor' && name !== 'node')) return null;
  return shape(node, edges.get('node') ?? [], info);
}

/** The fields of a selection set with its fragments spread, by name (aliases of one field merge); false for a directive. */
function collect(set: SelectionSetNode, info: GraphQLResolveInfo, into: Map<string, FieldNode[]>): boolean {
  for (const selection of set.selections) {
    if (selection.directives?.length) return false;
    if (selection.kind === Kind.FIELD) into.set(selection.name.value, [...(into.get(selection.name.value) ?? []), selection]);
    else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : info.fragments[selection.name.value];
      if (!fragment || !collect(fragment.selectionSet, info, into)) return false;
    }
  }
  return true;
}

/**
 * A field resolver's answer: what a compiled read put on the parent under the field's name (its own
 * property, null included), else what `read` reads. Entities read by the other path never carry the
 * fields that have resolvers.
 */
export function readWith<T>(parent: object, field: string, read: () => T | Promise<T>): T | Promise<T> {
  return Object.hasOwn(parent, field) ? (parent as Record<string, T>)[field]! : read();
}
