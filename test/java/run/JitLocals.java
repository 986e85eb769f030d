// Locals the JIT keeps in registers (seven of them: callee- and caller-saved)
// must be in their slots whenever something else reads them: a handler in the
// same method after a null, bounds or division fault (it runs interpreted),
// the garbage collector during allocation in a loop, and calls (caller-saved
// registers are reloaded afterwards). Loops are inverted at their back-edge.
public class JitLocals {
    static int sink;
    static int id(int x) { sink += x; return x; }

    static int faults(int[] a, int[] none, int d) {
        int i = 0, j = 3, k = 7, m = 11, n = 13, p = 17, q = 19, r = 0;
        try {
            for (; i < 100; i++) { j += i; k ^= j; m += k & 7; n -= 1; p += 2; q = q * 3 + 1; r += a[i]; }
        } catch (ArrayIndexOutOfBoundsException e) {
            r += i * 1000 + j + k + m + n + p + q;
        }
        try {
            for (int t = 0; t < 5; t++) { j++; k--; if (t == 3) r += none[t]; }
        } catch (NullPointerException e) {
            r += j * 7 + k;
        }
        try {
            for (int t = 3; t >= -1; t--) { m += t; r += 100 / (t + d); }
        } catch (ArithmeticException e) {
            r += m * 3;
        }
        return r;
    }

    // null checks left out where the local is known non-null must come back
    // once the local is written (here with null, inside the loop)
    static int nulls(int[] a, int[] b, JitLocals o, JitLocals p) {
        int s = 0;
        int[] x = a;
        JitLocals y = o;
        try {
            for (int i = 0; i < 10; i++) {
                s += x[i & 3] + x.length + y.f;
                y.f++;
                if (i == 5) x = b;
                if (i == 7) y = p;
            }
        } catch (NullPointerException e) { s += 1000; }
        try {
            for (int i = 0; i < 10; i++) {
                s += y.f + x.length;
                if (i == 2) y = p;
            }
        } catch (NullPointerException e) { s += 2000; }
        return s;
    }
    int f;

    static long churn(int rounds) {
        Object keep = new int[] { 42 };
        int a = 1, b = 2, c = 3, e = 4, f = 5, g = 6, h = 7;
        long sum = 0;
        for (int i = 0; i < rounds; i++) {
            int[] junk = new int[64];          // GC runs while keep is only in a register
            junk[i & 63] = i;
            a += id(b); b += c; c += e; e += f; f += g; g += h; h += a;
            sum += ((int[]) keep)[0] + junk[i & 63] + a + h;
        }
        return sum + a + b + c + e + f + g + h;
    }

    public static void main(String[] args) {
        int[] a = new int[40];
        for (int i = 0; i < a.length; i++) a[i] = i * i;
        System.out.println("faults " + faults(a, null, 1));
        System.out.println("churn " + churn(20000) + " sink " + sink);
        System.out.println("nulls " + nulls(a, null, new JitLocals(), null) + " " + nulls(a, a, new JitLocals(), null));
        int w = 0;
        while (w < 10) w += 3;                 // while-loop shape (test at the top)
        int x = 100;
        do { x -= 7; } while (x > 0);          // do-while shape (test at the bottom)
        for (int y = 10; y != 0; y--) x += y;  // != against zero
        System.out.println("loops " + w + " " + x);
    }
}
