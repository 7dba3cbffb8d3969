import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { DirectoryService } from './directory-service.entity.js';
import { DirectoryResolver } from './directory.resolver.js';
import { DirectoryServicesService } from './directory.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([DirectoryService]), AgenciesModule],
  providers: [DirectoryServicesService, DirectoryResolver],
  exports: [DirectoryServicesService],
})
export class DirectoryModule {}
