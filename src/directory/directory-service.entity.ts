import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { LifeDomain } from '../goals/life-domain.js';
import { HowToRefer, ServiceCost } from './directory-enums.js';

/**
 * A service in a network's directory (HSDS "service" with its organisation, location and contact): no
 * personal data, organisations only. The organisation is an agency of the network (`agencyId`) or an
 * organisation outside the platform, by name (`externalOrganisation`), never both.
 */
@ObjectType({ description: 'A service in the directory of a network: what it offers, to whom, where, and how to refer to it.' })
@Entity('directory_service')
export class DirectoryService {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  networkId: string;

  @Field(() => ID, { nullable: true, description: 'The agency of the network that offers it; null for an organisation outside the platform.' })
  @Column('uuid', { nullable: true })
  agencyId: string | null;

  @Field(() => String, { nullable: true, description: 'The organisation outside the platform that offers it, by name; null for an agency.' })
  @Column('text', { nullable: true })
  externalOrganisation: string | null;

  @Field()
  @Column('text')
  name: string;

  @Field()
  @Column('text')
  description: string;

  @Field(() => [LifeDomain])
  @Column('text', { array: true })
  lifeDomains: LifeDomain[];

  @Field(() => String, { nullable: true, description: 'Who may use it, in plain words.' })
  @Column('text', { nullable: true })
  eligibility: string | null;

  @Field(() => Int, { nullable: true, description: 'Youngest age served, in months from birth; negative before birth (-9: from the start of the pregnancy).' })
  @Column('integer', { nullable: true })
  minAgeMonths: number | null;

  @Field(() => Int, { nullable: true, description: 'Oldest age served, in months from birth (215: up to the 18th birthday).' })
  @Column('integer', { nullable: true })
  maxAgeMonths: number | null;

  @Field(() => [String], { description: 'Languages spoken, as language tags (nl, fr, en, ar, tr, …).' })
  @Column('text', { array: true })
  languages: string[];

  @Field(() => ServiceCost)
  @Column('text')
  cost: ServiceCost;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  streetAddress: string | null;

  @Field(() => String, { nullable: true, description: 'Belgian postcode, four digits.' })
  @Column('character', { length: 4, nullable: true })
  postcode: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  municipality: string | null;

  @Field(() => String, { nullable: true, description: 'Opening hours in plain words ("ma–vr 9–12 u, wo-namiddag op afspraak").' })
  @Column('text', { nullable: true })
  openingHours: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  phone: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  email: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  website: string | null;

  @Field(() => String, { nullable: true, description: 'Accessibility, in plain words (wheelchair, hearing loop, …).' })
  @Column('text', { nullable: true })
  accessibility: string | null;

  @Field(() => HowToRefer)
  @Column('text')
  howToRefer: HowToRefer;

  @Field(() => Date, { nullable: true, description: 'Set when archived: no longer found by the search.' })
  @Column('timestamptz', { nullable: true })
  archivedAt: Date | null;

  @Field()
  @Column('timestamptz')
  createdAt: Date;

  @Field()
  @Column('timestamptz')
  updatedAt: Date;
}
