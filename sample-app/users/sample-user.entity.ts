import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A person who signs in to the sample app. The Fitbit module reads `id` and `isActive`. */
@Entity({ name: 'sample_user' })
export class SampleUser {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  /** `scrypt$<salt>$<hash>`, see password-hash.ts. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;
}
