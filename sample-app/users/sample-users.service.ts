import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { SampleUserSeed } from '../config/environment.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { SampleUser } from './sample-user.entity.js';

@Injectable()
export class SampleUsers {
  private readonly logger = new Logger('SampleUsers');

  constructor(@InjectRepository(SampleUser) private readonly users: Repository<SampleUser>) {}

  /** Creates the SAMPLE_USERS accounts that are missing and resets the password of those whose password changed. */
  async seed(seeds: readonly SampleUserSeed[]): Promise<void> {
    for (const seed of seeds) {
      const existing = await this.users.findOneBy({ username: seed.username });
      if (existing && (await verifyPassword(seed.password, existing.passwordHash))) continue;
      const passwordHash = await hashPassword(seed.password);
      if (existing) await this.users.update(existing.id, { passwordHash });
      else await this.users.insert({ username: seed.username, passwordHash, isActive: true });
      this.logger.log(`${existing ? 'Updated' : 'Created'} sample user "${seed.username}"`);
    }
  }

  /** The user with that name and password, or null. */
  async authenticate(username: string, password: string): Promise<SampleUser | null> {
    const user = await this.users.findOneBy({ username });
    if (!user || !user.isActive) return null;
    return (await verifyPassword(password, user.passwordHash)) ? user : null;
  }

  findById(id: number): Promise<SampleUser | null> {
    return this.users.findOneBy({ id });
  }
}
