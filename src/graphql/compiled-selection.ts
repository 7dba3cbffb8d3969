import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import type { ReadColumn, ReadNode } from '../audit/compiled-read.js';

/** What a compiled read knows of a GraphQL object type: its fields that are columns, and those read as a level below it. */
export interface TypeRead {
  columns: Record<string, ReadColumn>;
  /** Thunks: types refer to each other. */
  nodes: Record<string, () => NodeRead>;
  /**
   * Fields whose own resolver answers them from columns of the row (an inbox item's `text` from its kind and
   * parameters, in the caller's language): per field, those columns, carried on the answer under these names.
   */
  resolved?: Record<string, Record<string, ReadColumn>>;
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
  return cachedShape(info, (fields) => shape(root, fields, info));
}

/** The shape `make` compiles from the field being resolved, cached per field node (not for a field selected twice). */
function cachedShape(info: GraphQLResolveInfo, make: (fields: readonly FieldNode[]) => ReadNode | null): ReadNode | null {
  const [field, ...more] = info.fieldNodes;
  if (more.length > 0) return make(info.fieldNodes);
  let compiled = shapes.get(field!);
  if (compiled === undefined) shapes.set(field!, (compiled = make([field!])));
  return compiled;
}

/**
 * As `compileSelection`, for a field answering a connection (common/pagination.ts, ConnectionType): the read of
 * `node` for what its edges' `node` selects, or null as there. The edges' cursors and the pageInfo are the
 * caller's to answer; anything else selected on the connection or its edges sends the request down the resolvers.
 */
export function compileConnectionSelection(node: NodeRead, info: GraphQLResolveInfo): ReadNode | null {
  return cachedShape(info, (fields) => connectionShape(node, fields, info));
}

function connectionShape(node: NodeRead, fields: readonly FieldNode[], info: GraphQLResolveInfo): ReadNode | null {
  // The connection's own arguments (the list's filters and page) are the caller's; below it, none is compiled.
  const connection = selectedOf(fields, info, true);
  const edges = selectedOf(connection?.get('edges') ?? [], info);
  if (!connection || !edges || [...connection.keys()].some((name) => !['edges', 'pageInfo', '__typename'].includes(name))) return null;
  if ([...edges.keys()].some((name) => !['node', 'cursor', '__typename'].includes(name))) return null;
  return edges.has('node') ? shape(node, edges.get('node')!, info) : null;
}

/** The names of the fields the edges' nodes of a connection select (fragments spread); null when a directive decides. */
export function selectedNodeFields(info: GraphQLResolveInfo): Set<string> | null {
  const edges = selectedOf(selectedOf(info.fieldNodes, info, true)?.get('edges') ?? [], info, true);
  const nodes = edges && selectedOf(edges.get('node') ?? [], info, true);
  return nodes ? new Set(nodes.keys()) : null;
}

/** The fields selected under `fields`, by name; null for a directive, or for arguments unless `withArguments`. */
function selectedOf(fields: readonly FieldNode[], info: GraphQLResolveInfo, withArguments = false): Map<string, FieldNode[]> | null {
  const selected = new Map<string, FieldNode[]>();
  for (const field of fields) {
    if ((!withArguments && field.arguments?.length) || !field.selectionSet || !collect(field.selectionSet, info, selected)) return null;
  }
  return selected;
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
    const resolved = type.resolved?.[name];
    if (column !== undefined) columns[name] = column;
    else if (resolved) Object.assign(columns, resolved);
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
