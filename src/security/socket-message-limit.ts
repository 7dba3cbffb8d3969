import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import type { WebSocketServer } from 'ws';
import { MAX_BODY_BYTES } from './http-security.js';

/**
 * Subscription sockets (graphql-ws) take messages up to the HTTP body limit, not the `ws` default of
 * 100 MiB: a larger message closes the socket (1009). @nestjs/graphql creates the socket server without
 * a way to pass its options, so the limit is set on the server it made, once the application is up.
 */
@Injectable()
export class SocketMessageLimit implements OnApplicationBootstrap {
  constructor(private readonly modules: ModuleRef) {}

  onApplicationBootstrap(): void {
    const driver = this.modules.get(GraphQLModule, { strict: false }).graphQlAdapter as unknown as { _subscriptionService?: { wss?: WebSocketServer } };
    const server = driver._subscriptionService?.wss;
    if (!server) throw new Error('No subscription socket server to limit (has @nestjs/apollo changed?)');
    server.options.maxPayload = MAX_BODY_BYTES;
  }
}
