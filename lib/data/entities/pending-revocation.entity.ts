import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMillis } from './epoch-millis.transformer.js';
import type { FitbitProviderName } from './user-fitbit.entity.js';

/**
 * A withdrawal of consent not yet confirmed by the provider: the sealed copy of a removed link's
 * tokens, kept only until the provider has unsubscribed and revoked the grant (or says it is gone).
 * Recorded before the link is deleted, so a provider outage cannot lose a withdrawal.
 */
@Entity({ name: 'fitbit_pending_revocation' })
@Index('IDX_fitbit_pending_revocation_next_attempt', ['nextAttemptAt'])
export class PendingRevocation {
  @PrimaryGeneratedColumn()
  id!: number;

  /** The app user the link belonged to. */
  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId!: string;

  @Column({ type: 'varchar', length: 32 })
  provider!: FitbitProviderName;

  @Column({ name: 'provider_user_id', type: 'varchar', length: 64 })
  providerUserId!: string;

  /** As given by the provider, or sealed (bound to this table) when a token-encryption key is configured. */
  @Column({ name: 'access_token', type: 'text' })
  accessToken!: string;

  @Column({ name: 'refresh_token', type: 'text' })
  refreshToken!: string;

  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMillis })
  expiresAt!: number;

  /** Delete the user's subscriptions first (the module was subscribing). */
  @Column({ type: 'boolean' })
  unsubscribe!: boolean;

  /** Revoke the grant (false when the provider told us the user revoked it already). */
  @Column({ type: 'boolean' })
  revoke!: boolean;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** When the next attempt is due (epoch ms); while an attempt runs, the end of its lease. */
  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: epochMillis })
  nextAttemptAt!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;
}
