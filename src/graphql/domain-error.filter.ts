import { Catch } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';

/** Domain errors are answers, not failures: hand them to GraphQL as they are, without an error log. */
@Catch(GraphQLError)
export class DomainErrorFilter implements GqlExceptionFilter {
  catch(error: GraphQLError): GraphQLError {
    return error;
  }
}
