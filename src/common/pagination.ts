import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput } from './errors.js';
import { UUID_PATTERN } from './ids.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first?: number;

  @Field({ nullable: true, description: 'The endCursor of the previous page.' })
  @IsOptional()
  @IsString()
  after?: string;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** A Relay-style connection type for `T`, named `<T>Connection`. */
export function ConnectionType<T>(node: Type<T>): Type<Connection<T>> {
  @ObjectType(`${node.name}Edge`)
  class EdgeType {
    @Field()
    cursor: string;

    @Field(() => node)
    node: T;
  }

  @ObjectType(`${node.name}Connection`, { isAbstract: true })
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges: EdgeType[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }
  return ConnectionClass as Type<Connection<T>>;
}

const encodeCursor = (id: string) => Buffer.from(`id:${id}`).toString('base64url');

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith('id:') ? decoded.slice(3) : '';
  if (!UUID_PATTERN.test(id)) throw badInput('after', 'after is not a cursor from this list');
  return id;
}

/**
 * Keyset pagination on the (time-ordered) primary key: `idColumn > after ORDER BY idColumn` (newest first
 * with `DESC`: `idColumn < after ORDER BY idColumn DESC`), one row more than asked to learn whether
 * another page follows.
 */
export async function paginate<T extends ObjectLiteral, R extends { id: string } = T & { id: string }>(
  qb: SelectQueryBuilder<T>,
  idColumn: string,
  page: PageArgs,
  load: (qb: SelectQueryBuilder<T>) => Promise<R[]> = (q) => q.getMany() as Promise<unknown> as Promise<R[]>,
  order: 'ASC' | 'DESC' = 'ASC',
): Promise<Connection<R>> {
  const first = page.first ?? DEFAULT_PAGE_SIZE;
  if (page.after) qb.andWhere(`${idColumn} ${order === 'ASC' ? '>' : '<'} :pageAfter`, { pageAfter: decodeCursor(page.after) });
  const rows = await load(qb.orderBy(idColumn, order).limit(first + 1));
  return connectionOf(rows.slice(0, first), rows.length > first);
}

/** The connection of a page of records (in id order) and whether another page follows. */
export function connectionOf<R extends { id: string }>(nodes: R[], hasNextPage: boolean): Connection<R> {
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}

/**
 * Cursors of a ranked list (a search): the row's rank (a decimal, compared exactly) and its id, the tie-breaker.
 * Ordered by rank descending, then id: the next page is `rank < after.rank OR (rank = after.rank AND id > after.id)`.
 */
export const encodeRankedCursor = (rank: string, id: string) => Buffer.from(`rank:${rank}:${id}`).toString('base64url');

export function decodeRankedCursor(cursor: string): { rank: string; id: string } {
  const match = /^rank:(-?\d+(?:\.\d+)?):(.+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !UUID_PATTERN.test(match[2]!)) throw badInput('after', 'after is not a cursor from this list');
  return { rank: match[1]!, id: match[2]! };
}
