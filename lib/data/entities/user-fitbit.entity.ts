import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { epochMillis } from './epoch-millis.transformer.js';

/** The upstream APIs the module speaks: `fitbit` (the legacy Fitbit Web API) and `google-health` (the Google Health API, the default). */
export type FitbitProviderName = 'fitbit' | 'google-health';

/** The link between one app user and their account at the data provider. */
@Entity({ name: 'fitbit_user_link' })
@Unique('UQ_fitbit_user_link_user', ['userId'])
@Unique('UQ_fitbit_user_link_provider_user', ['provider', 'providerUserId'])
export class UserFitbit {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId!: string;

  @Column({ type: 'varchar', length: 32 })
  provider!: FitbitProviderName;

  /** Fitbit's encoded user id, or Google Health's healthUserId. */
  @Column({ name: 'provider_user_id', type: 'varchar', length: 64 })
  providerUserId!: string;

  /** The legacy Fitbit user id Google reports, used to keep rows across a provider switch. */
  @Column({ name: 'legacy_user_id', type: 'varchar', length: 32, nullable: true })
  legacyUserId!: string | null;

  /** As given by the provider, or sealed when a token-encryption key is configured. */
  @Column({ name: 'access_token', type: 'text' })
  accessToken!: string;

  @Column({ name: 'refresh_token', type: 'text' })
  refreshToken!: string;

  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMillis })
  expiresAt!: number;

  @Column({ type: 'text', nullable: true })
  scopes!: string | null;

  @Column({ name: 'time_zone', type: 'varchar', length: 64, nullable: true })
  timeZone!: string | null;

  /** Lease of the per-user refresh lock (epoch ms); shared by every process on the database. */
  @Column({ name: 'refresh_locked_until', type: 'bigint', nullable: true, transformer: epochMillis })
  refreshLockedUntil!: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;
}
