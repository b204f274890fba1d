import { isRealDate, isTimeZone, localDate, subtractMonths } from './calendar.js';
import type { EmulatorClock } from './clock.js';
import { seededUnit } from './seeded-random.js';

export interface EmulatorUser {
  /** Fitbit's `encodedId`: six characters such as `ABC123`. */
  id: string;
  displayName: string;
  /** IANA zone the user's local dates are in. */
  timezone: string;
  /** `YYYY-MM-DD`: no data exists before this local date. */
  memberSince: string;
  hasAltimeter: boolean;
}

export interface NewEmulatorUser {
  id?: string;
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
    const user: EmulatorUser = {
      id,
      displayName: details.displayName ?? DISPLAY_NAMES[this.users.size % DISPLAY_NAMES.length]!,
      timezone,
      memberSince,
      hasAltimeter: details.hasAltimeter ?? true,
    };
    this.users.set(id, user);
    this.consentUserId ??= id;
    return { ...user };
  }

  find(id: string): EmulatorUser | undefined {
    return this.users.get(id);
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
