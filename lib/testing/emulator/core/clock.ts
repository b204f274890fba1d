/** The emulator's notion of "now". Frozen unless a test moves it, or following the wall clock in real-time mode. */
export class EmulatorClock {
  private offsetMs: number;

  constructor(
    initialNow: number,
    private readonly realTime: boolean,
  ) {
    this.offsetMs = realTime ? initialNow - Date.now() : initialNow;
  }

  now(): number {
    return this.realTime ? Date.now() + this.offsetMs : this.offsetMs;
  }

  advance(ms: number): number {
    this.offsetMs += ms;
    return this.now();
  }

  set(ms: number): number {
    this.offsetMs = this.realTime ? ms - Date.now() : ms;
    return this.now();
  }
}
