// DevAddr assignment from the deployment's block. Like the real NS (newDevAddr),
// addresses are drawn at random within the prefix and are not unique: devices
// may share a DevAddr (the NS tells them apart by MIC), and a /16 block holds
// only 65,536 addresses anyway.

export class DevAddrAllocator {
  readonly base: number;
  readonly bits: number;

  constructor(
    readonly prefix: string,
    private readonly rng: () => number,
  ) {
    const m = /^([0-9A-Fa-f]{8})\/(\d{1,2})$/.exec(prefix);
    if (!m) throw new Error(`invalid DevAddr prefix ${prefix}, want e.g. 260B0000/16`);
    const bits = Number(m[2]);
    if (bits < 1 || bits > 31) throw new Error(`invalid DevAddr prefix length ${bits}`);
    this.base = (parseInt(m[1] as string, 16) & this.mask(bits)) >>> 0;
    this.bits = bits;
  }

  private mask(bits: number): number {
    return (0xffffffff << (32 - bits)) >>> 0;
  }

  contains(devAddr: string): boolean {
    return ((parseInt(devAddr, 16) & this.mask(this.bits)) >>> 0) === this.base;
  }

  /** An address in the block, upper-case hex. */
  allocate(rng: () => number = this.rng): string {
    const span = 2 ** (32 - this.bits);
    const offset = Math.floor(rng() * span) % span;
    return ((this.base + offset) >>> 0).toString(16).toUpperCase().padStart(8, '0');
  }
}
