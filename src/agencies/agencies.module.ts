import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesResolver } from './agencies.resolver.js';
import { AgenciesService } from './agencies.service.js';
import { AgencyServiceArea } from './agency-service-area.entity.js';
import { Agency } from './agency.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([Agency, AgencyServiceArea])],
  providers: [AgenciesService, AgenciesResolver],
  exports: [AgenciesService],
})
export class AgenciesModule {}
