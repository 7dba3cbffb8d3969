import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Network } from './network.entity.js';
import { NetworksResolver } from './networks.resolver.js';
import { NetworksService } from './networks.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Network])],
  providers: [NetworksService, NetworksResolver],
})
export class NetworksModule {}
