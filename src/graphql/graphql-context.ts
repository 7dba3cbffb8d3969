import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { AuthenticatedRequest } from '../auth/request-context.js';
import { RequestLoaders } from './request-loaders.js';

export interface GraphQLContext {
  req: AuthenticatedRequest;
  loaders: RequestLoaders;
}

export const createContext = ({ req }: { req: AuthenticatedRequest }): GraphQLContext => ({
  req,
  loaders: new RequestLoaders(),
});

/** The request's DataLoaders (see RequestLoaders). */
export const Loaders = createParamDecorator(
  (_: unknown, context: ExecutionContext): RequestLoaders =>
    GqlExecutionContext.create(context).getContext<GraphQLContext>().loaders,
);
