/**
 * One agent's sums per second, as two parallel arrays sorted by second: the seconds, and
 * `width` numbers per second. Live samples arrive in time order, so the common case is an
 * append; a late one is a binary search and a short shift. Plain number arrays (V8 keeps them
 * as unboxed doubles on its heap) grow in place with no object per bucket: typed arrays cost
 * a fresh off-heap allocation at every growth, which measured 50 µs each, 400 ms over a build.
 */
export class SecondBuckets {
  private readonly seconds: number[] = [];
  /** The sums of seconds[i] are sums[i * width .. (i + 1) * width). */
  readonly sums: number[] = [];

  constructor(private readonly width: number) {}

  get size(): number {
    return this.seconds.length;
  }

  /** Where the sums of second `s` start in `sums`, created as zeros if absent. */
  slot(s: number): number {
    const { seconds, sums, width } = this;
    const i = this.search(s);
    if (seconds[i] === s) return i * width;
    if (i === seconds.length) {
      seconds.push(s);
      for (let k = 0; k < width; k++) sums.push(0);
      return i * width;
    }
    seconds.splice(i, 0, s);
    sums.splice(i * width, 0, ...new Array<number>(width).fill(0));
    return i * width;
  }

  /** Adds every second from `first` on (and `first` itself only when `withFirst`) into `into`. */
  addFrom(first: number, withFirst: boolean, into: number[]): void {
    let i = this.search(first);
    if (!withFirst && this.seconds[i] === first) i += 1;
    const { width, sums } = this;
    for (let at = i * width, end = sums.length; at < end; at += width) {
      for (let k = 0; k < width; k++) into[k]! += sums[at + k]!;
    }
  }

  /** Forgets the seconds before `first`; returns how many went. */
  dropBefore(first: number): number {
    const n = this.search(first);
    if (n === 0) return 0;
    this.seconds.splice(0, n);
    this.sums.splice(0, n * this.width);
    return n;
  }

  /** The index of the first second >= s; from the end, where live samples land. */
  private search(s: number): number {
    const { seconds } = this;
    if (seconds.length === 0 || seconds[seconds.length - 1]! < s) return seconds.length;
    let lo = 0;
    let hi = seconds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seconds[mid]! < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
