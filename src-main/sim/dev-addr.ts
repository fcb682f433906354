// DevAddr assignment from the deployment's block (like the NS's newDevAddr:
// random within the prefix), remembering handed-out session addresses so that
// simulated devices never share one.

export class DevAddrAllocator {
  readonly base: number;
  readonly bits: number;
  private readonly used = new Set<string>();

  constructor(
    readonly prefix: string,
    private readonly rng: () => number,
  ) {
    const m = /^([0-9A-Fa-f]{8})\/(\d{1,2})$/.exec(prefix);
    if (!m) throw new Error(`invalid DevAddr prefix ${prefix}, want e.g. 260B0000/16`);
    const bits = Number(m[2]);
    if (bits < 1 || bits > 31) throw new Error(`invalid DevAddr prefix length ${bits}`);
    const mask = (0xffffffff << (32 - bits)) >>> 0;
    this.base = (parseInt(m[1] as string, 16) & mask) >>> 0;
    this.bits = bits;
  }

  contains(devAddr: string): boolean {
    const mask = (0xffffffff << (32 - this.bits)) >>> 0;
    return ((parseInt(devAddr, 16) & mask) >>> 0) === this.base;
  }

  /** Any address in the block (GET /ns/dev_addr does not reserve it). */
  random(rng: () => number = this.rng): string {
    const span = 2 ** (32 - this.bits);
    const offset = Math.floor(rng() * span) % span;
    return ((this.base + offset) >>> 0).toString(16).toUpperCase().padStart(8, '0');
  }

  /** An address no other simulated session uses. */
  allocate(rng: () => number = this.rng): string {
    for (let i = 0; i < 64; i++) {
      const a = this.random(rng);
      if (!this.used.has(a)) {
        this.used.add(a);
        return a;
      }
    }
    // A nearly full block: walk it.
    const span = 2 ** (32 - this.bits);
    for (let offset = 0; offset < span; offset++) {
      const a = ((this.base + offset) >>> 0).toString(16).toUpperCase().padStart(8, '0');
      if (!this.used.has(a)) {
        this.used.add(a);
        return a;
      }
    }
    throw new Error(`DevAddr block ${this.prefix} is exhausted`);
  }

  reserve(devAddr: string): void {
    this.used.add(devAddr.toUpperCase());
  }
}
