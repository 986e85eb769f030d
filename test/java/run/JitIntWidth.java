// Ints whose 32-bit arithmetic wraps, where the JIT's register for them holds
// the zero extension of the result rather than its sign extension (its
// convention: docs/jit.md): wrapped values feeding array indexes and their
// bounds checks, widened to long (i2l) after adds, subs, muls, negs, shifts,
// divisions and iinc, passed to callees and natives and returned, negative
// ints in long arithmetic and as shift counts, switches on computed ints,
// and ints read back from the frame by a handler after a fault and by the
// interpreter around calls (vm_jit_same runs it mixed and at budgets).
public class JitIntWidth {
    static final int MAX = Integer.MAX_VALUE, MIN = Integer.MIN_VALUE;
    static int sf;
    int f;
    static long h = 7;

    static void mix(long v) { h = h * 1000003 + v; }

    static void out(String what, long v) { System.out.println(what + " " + v); }

    // a Sieve-shaped loop whose index wraps past MAX: the bounds check must
    // see the wrapped (negative) index; k - start stays exact across the wrap
    static int wrapIndex(int start, int step, int[] a) {
        int n = 0, k = start;
        try {
            for (k = start; k <= MAX; k += step) {
                a[(k - start) & 15] += k;
                a[k] = n;
                n++;
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            out(e.getMessage() + " after " + n, (long) k);
        }
        return n;
    }

    // i2l after every kind of wrapping int op, in loops (locals in registers)
    static void widen(int a, int b) {
        for (int i = 0; i < 3; i++) {
            int s = a + b, d = a - b, m = a * b, ng = -a, shl = a << 31, shr = b >> 3, ushr = b >>> 1;
            int q = s / 4, r = d % 8, qv = m / (b | 1), rv = m % (a | 3);
            int and = s & d, or = s | m, xor = s ^ ng;
            long w = (long) s + (long) d + (long) m + (long) ng;
            mix(w);
            mix((long) shl);
            mix((long) shr);
            mix((long) ushr);
            mix((long) q);
            mix((long) r);
            mix((long) qv);
            mix((long) rv);
            mix((long) and + (long) or + (long) xor);
            mix((long) (byte) s + (long) (char) s + (long) (short) s);
            int c = a;
            c += 100000;
            mix((long) c);
            mix(Long.compare((long) s, (long) d));
            a += 0x3fffffff;
            b -= 0x40000001;
        }
        out("widen " + a + " " + b, h);
    }

    // more locals than registers: some live in their slots, written by
    // compiled code and widened from there
    static long manyLocals(int x) {
        int l0 = x + 1, l1 = x * 3, l2 = x - MAX, l3 = -x, l4 = x << 7, l5 = x >> 2, l6 = x >>> 5;
        int l7 = l0 + l1, l8 = l2 - l3, l9 = l4 * l5, l10 = l6 ^ l7, l11 = l8 + MIN;
        long s = 0;
        for (int i = 0; i < 2; i++) {
            s = s * 31 + l0 + l1 + l2 + l3 + l4 + l5 + l6;
            s = s * 31 + l7 + l8 + l9 + l10 + l11;
            l11 += l9;
            l10 -= l11;
        }
        return s + l11 + (long) l10;
    }

    // the wrapped int reaches a callee (compiled, inlined or interpreted)
    // and comes back
    static int twice(int x) { return x + x; }
    static long asLong(int x) { return x; }
    static int viaLoop(int x) {
        int y = 0;
        for (int i = 0; i < 2; i++)
            y += x;
        return y;
    }
    static long args(int a, int b, int c) { return (long) a * 3 + (long) b * 5 + c; }

    static void calls(int a) {
        int s = a + MAX;
        mix(asLong(s));
        mix((long) twice(s));
        mix(asLong(twice(s)));
        mix((long) viaLoop(a * 7));
        mix(args(s, a * a, -s));
        mix(Math.abs(s) + (long) Math.max(s, a) + (long) Math.min(-s, a));
        out("calls " + s + " " + Integer.toString(s * 3) + " " + (s * 3L), h);
    }

    // negative ints in long arithmetic and as shift counts
    static void longs(int a, int n) {
        long x = 0x123456789L;
        for (int i = 0; i < 3; i++) {
            int neg = a - MAX;
            x = x + neg;
            x = x * neg;
            x = x ^ (x >>> (n + 60));
            x = x + (1L << (n * 7));
            x = x - (x >> (neg + 1));
            x += (long) (a * a) - (int) x;
            a += MAX;
            n--;
        }
        out("longs " + a + " " + n, x);
    }

    // switches on computed ints
    static int sw(int k) {
        switch (k) {
            case -2: return 1;
            case -1: return 2;
            case 0: return 3;
            case 1: return 4;
            case 2: return 5;
            default: return 0;
        }
    }
    static int lsw(int k) {
        switch (k) {
            case MIN: return 10;
            case -100000: return 11;
            case -1: return 12;
            case 7: return 13;
            case MAX: return 14;
            default: return -1;
        }
    }
    static void switches(int a) {
        int t = 0;
        for (int i = -3; i <= 3; i++) {
            int k = a + i + MAX + 2;       // a == MIN - ... wraps around 0
            t = t * 7 + sw(k) + lsw(k) + lsw(k * 100000) + lsw(MAX + i + 1 - 1) + lsw(-k);
            switch (k * 2) {
                case -4: t += 100; break;
                case -2: t += 200; break;
                case 0: t += 300; break;
                case 2: t += 400; break;
                default: t -= 1;
            }
        }
        out("switches", t);
    }

    // cached locals written back to the frame at calls and read by the
    // handler (interpreted) after faults
    static void frames(int a, int[] arr) {
        int x = a + MAX, y = a * MAX, z = -MIN + a;
        mix(asLong(x));                 // a call: x, y, z written back
        try {
            x += 5;
            y *= 3;
            z -= 2;
            arr[x] = y;                 // x wrapped negative: throws
        } catch (ArrayIndexOutOfBoundsException e) {
            out("handler " + e.getMessage(), (long) x + (long) y + (long) z);
            x = x + y;
        }
        try {
            z = z / (a - a);
        } catch (ArithmeticException e) {
            out("div0 " + x + " " + z, (long) x * z);
        }
        int[] na = null;
        try {
            na = new int[(a + MAX + 2 - 5) >> 24];
        } catch (NegativeArraySizeException e) {
            out("negsize " + e.getMessage(), x);
        }
        out("frames", (na == null ? -1 : na.length) + (long) x + y + z);
    }

    // fields and statics of wrapped ints, o.f++ past MAX
    static void fields(JitIntWidth o, int a) {
        o.f = a + MAX;
        sf = o.f * 2;
        o.f++;
        o.f -= 3;
        long v = (long) o.f + (long) sf;
        int[] arr = new int[4];
        arr[(o.f - a - MAX + 2) & 3] = o.f;     // wraps back into range
        long w = arr[0] + (long) arr[1] + (long) arr[2] + (long) arr[3];
        out("fields " + o.f + " " + sf, v + w);
    }

    // l2i of a long with both halves set, used as an index and widened again
    static void narrow(long l, int[] a) {
        int i = (int) l;
        int j = (int) (l >>> 32);
        a[i & 3] = j;
        mix((long) i + (long) j);
        try {
            mix(a[i]);
        } catch (ArrayIndexOutOfBoundsException e) {
            out("narrow " + e.getMessage(), (long) i);
        }
    }

    public static void main(String[] args) {
        int[] a = new int[16];
        out("wrap", wrapIndex(5, MAX - 2, a));
        out("wrap", wrapIndex(3, MAX, a));
        out("wrap", wrapIndex(2, 3, a));
        out("wrap", wrapIndex(-3, 1, a));
        out("wrap", wrapIndex(MAX - 1, 1, a));
        out("sum", (long) a[0] + a[5] + a[15]);
        widen(MAX - 5, MIN + 3);
        widen(123456789, -987654321);
        for (int x : new int[] { 0, 1, -1, MAX, MIN, 0x40000000, -0x40000001, 99 })
            out("many " + x, manyLocals(x));
        calls(5);
        calls(MIN);
        calls(-7);
        longs(3, 2);
        longs(-1, -9);
        switches(MIN);
        switches(-MAX - 2);
        switches(0);
        frames(7, new int[4]);
        frames(-1, new int[4]);
        fields(new JitIntWidth(), 9);
        fields(new JitIntWidth(), MIN);
        narrow(0x7fffffff80000001L, new int[4]);
        narrow(-4294967294L, new int[4]);
        narrow(0x0000000500000002L, new int[4]);
        out("h", h);
    }
}
