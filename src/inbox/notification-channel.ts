import { Field, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsEmail, IsEnum, MaxLength, ValidateIf } from 'class-validator';

/** How a person hears by e-mail that its inbox has something new (docs/inbox.md, "E-mail"). */
export enum NotificationChannel {
  /** No e-mail (the default). */
  OFF = 'OFF',
  /** An e-mail for each new item. */
  IMMEDIATE = 'IMMEDIATE',
  /** At most one e-mail a day, when new items arrived since the day before. */
  DAILY_DIGEST = 'DAILY_DIGEST',
}
registerEnumType(NotificationChannel, { name: 'NotificationChannel' });

@InputType()
export class SetNotificationChannelInput {
  @Field(() => NotificationChannel)
  @IsEnum(NotificationChannel)
  channel: NotificationChannel;

  @Field(() => String, { nullable: true, description: 'Your own e-mail address; required unless the channel is OFF (which forgets it).' })
  @ValidateIf((input: SetNotificationChannelInput) => input.channel !== NotificationChannel.OFF || input.email != null)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email?: string | null;
}

/** The caller's own e-mail setting. */
@ObjectType()
export class NotificationChannelSetting {
  @Field(() => NotificationChannel)
  channel: NotificationChannel;

  @Field(() => String, { nullable: true, description: 'Where the e-mails go; null when OFF.' })
  email: string | null;
}
