import { createHash } from 'node:crypto';
import { isRealDate, isTimeZone, localDate, subtractMonths } from './calendar.js';
import type { EmulatorClock } from './clock.js';
import { seededUnit } from './seeded-random.js';

/** An account the emulator holds; its data is generated from its id, deterministically. */
export interface EmulatorUser {
  /** Fitbit's `encodedId`: six characters such as `ABC123`. */
  id: string;
  displayName: string;
  /** IANA zone the user's local dates are in. */
  timezone: string;
  /** `YYYY-MM-DD`: no data exists before this local date. */
  memberSince: string;
  hasAltimeter: boolean;
  /** Google Health's key for the user: a 20-digit string (its `legacyUserId` is `id`). */
  healthUserId: string;
}

/** What `FitbitEmulator.addUser` takes; everything has a default. */
export interface NewEmulatorUser {
  id?: string;
  /** 20 digits; derived from `id` when absent. */
  healthUserId?: string;
  displayName?: string;
  timezone?: string;
  memberSince?: string;
  hasAltimeter?: boolean;
}

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const DISPLAY_NAMES = ['Alex', 'Sam', 'Jordan', 'Riley', 'Casey', 'Morgan', 'Taylor', 'Jamie', 'Robin', 'Avery'];

/** The people the emulator knows, in the order they were added. */
export class UserRegistry {
  private readonly users = new Map<string, EmulatorUser>();
  private consentUserId: string | null = null;

  constructor(private readonly clock: EmulatorClock) {}

  add(details: NewEmulatorUser = {}): EmulatorUser {
    const id = details.id ?? this.nextId();
    if (this.users.has(id)) throw new Error(`Emulator user ${id} already exists`);
    const timezone = details.timezone ?? 'America/Los_Angeles';
    if (!isTimeZone(timezone)) throw new Error(`Unknown time zone ${timezone}`);
    const memberSince = details.memberSince ?? subtractMonths(localDate(timezone, this.clock.now()), 36);
    if (!isRealDate(memberSince)) throw new Error(`memberSince must be a YYYY-MM-DD date, got ${memberSince}`);
    const healthUserId = details.healthUserId ?? this.nextHealthUserId(id);
    if (!/^\d{20}$/.test(healthUserId)) throw new Error(`healthUserId must be 20 digits, got ${healthUserId}`);
    if (this.findByHealthUserId(healthUserId)) throw new Error(`Emulator user with healthUserId ${healthUserId} already exists`);
    const user: EmulatorUser = {
      id,
      displayName: details.displayName ?? DISPLAY_NAMES[this.users.size % DISPLAY_NAMES.length]!,
      timezone,
      memberSince,
      hasAltimeter: details.hasAltimeter ?? true,
      healthUserId,
    };
    this.users.set(id, user);
    this.consentUserId ??= id;
    return { ...user };
  }

  find(id: string): EmulatorUser | undefined {
    return this.users.get(id);
  }

  findByHealthUserId(healthUserId: string): EmulatorUser | undefined {
    for (const user of this.users.values()) if (user.healthUserId === healthUserId) return user;
    return undefined;
  }

  get(id: string): EmulatorUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`No emulator user ${id}`);
    return user;
  }

  all(): EmulatorUser[] {
    return [...this.users.values()];
  }

  /** The user's local date on the emulator clock. */
  todayOf(user: EmulatorUser): string {
    return localDate(user.timezone, this.clock.now());
  }

  setConsentUser(id: string): void {
    this.get(id);
    this.consentUserId = id;
  }

  consentUser(): EmulatorUser | undefined {
    return this.consentUserId === null ? undefined : this.users.get(this.consentUserId);
  }

  /** 20 digits, the first not 0, fixed by the user id. */
  private nextHealthUserId(id: string): string {
    for (let attempt = 0; ; attempt++) {
      const digest = createHash('sha256').update(`health-user-id\u0000${id}\u0000${attempt}`).digest();
      const candidate = String(10n ** 19n + (digest.readBigUInt64BE(0) % (9n * 10n ** 19n)));
      if (!this.findByHealthUserId(candidate)) return candidate;
    }
  }

  private nextId(): string {
    for (let attempt = 0; ; attempt++) {
      let id = '';
      for (let i = 0; i < 6; i++) {
        id += ID_ALPHABET[Math.floor(seededUnit('user-id', String(this.users.size), String(attempt), String(i)) * ID_ALPHABET.length)];
      }
      if (!this.users.has(id)) return id;
    }
  }
}
