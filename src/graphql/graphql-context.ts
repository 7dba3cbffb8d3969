import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { AuthenticatedRequest } from '../auth/request-context.js';
import { RequestLoaders } from './request-loaders.js';

export interface GraphQLContext {
  req: AuthenticatedRequest;
  loaders: RequestLoaders;
}

type SocketContext = { connectionParams?: Readonly<Record<string, unknown>> };

/**
 * The context of one operation: over HTTP from the request; over graphql-ws from the connection
 * params, which stand in for the headers (`{ "Authorization": "Bearer …", "X-Acting-Agency": "…" }`)
 * so that the guards work unchanged.
 */
export const createContext = (input: { req: AuthenticatedRequest } | SocketContext): GraphQLContext => ({
  req: 'req' in input ? input.req : socketRequest(input),
  loaders: new RequestLoaders(),
});

function socketRequest(socket: SocketContext): AuthenticatedRequest {
  const params = socket.connectionParams ?? {};
  const param = (name: string) => {
    const value = params[name] ?? params[name.toLowerCase()];
    return typeof value === 'string' ? value : undefined;
  };
  const headers = { authorization: param('Authorization'), 'x-acting-agency': param('X-Acting-Agency'), 'x-request-id': param('X-Request-Id') };
  return { headers } as unknown as AuthenticatedRequest;
}

/** The request's DataLoaders (see RequestLoaders). */
export const Loaders = createParamDecorator(
  (_: unknown, context: ExecutionContext): RequestLoaders =>
    GqlExecutionContext.create(context).getContext<GraphQLContext>().loaders,
);
