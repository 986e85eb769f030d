// Calls the JIT compiles in place (small static, private, final methods,
// constructors, virtual getters behind a check of the receiver's class):
// results of every width, receivers of the expected class and of a
// subclass that overrides (the check fails: the ordinary call), a null
// receiver (the NullPointerException at the call), statics, branches and a
// loop inside the body. vm_jit_same also runs it at depth and budget limits
// that stop it at an inlined call, and with a small slot stack.
public class JitInline {
    static int counter = 7;
    static long seed = 1234567890123L;
    int x, y;
    long w;
    boolean flag;
    Object ref = "ref";

    JitInline(int x, int y) { this.x = x; this.y = y; this.w = (long) x << 33 | y; }

    int getX() { return x; }
    final int sum() { return x + y; }
    private long wide() { return w ^ (w >>> 7); }
    boolean isFlag() { return flag; }
    Object getRef() { return ref; }
    int clampedY() { return y < 0 ? 0 : y > 100 ? 100 : y; }
    int loopy() { int s = 0; for (int i = 0; i < x; i++) s += i ^ y; return s; }
    static int twice(int a) { return a + a; }
    static boolean small(int p) { return p == 22 || p == 23 || p == 53 || p == 123; }
    static long mix(long a, int b) { return a * 31 + b; }
    static int readStatic() { return counter * 3; }
    static int nested(int a) { return twice(a) + 1; }   // calls: compiled as a call, not inlined

    static class Sub extends JitInline {
        Sub(int x, int y) { super(x, y); }
        int getX() { return -x; }
        int clampedY() { return 42; }
    }

    static int depth(int n, JitInline o) { return n == 0 ? o.getX() + twice(n) : depth(n - 1, o) + o.sum(); }

    // (its own method: a handler runs interpreted from there on, and main
    // should stay compiled)
    static String npes(JitInline none, JitInline some) {
        int caught = 0, acc = 0;
        for (int k = 0; k < 3; k++) {
            try {
                acc += some.getX() + none.getX();
            } catch (NullPointerException e) {
                caught++;
            }
            try {
                acc += none.sum();
            } catch (NullPointerException e) {
                caught++;
            }
        }
        return caught + " " + acc;
    }

    public static void main(String[] args) {
        JitInline[] objs = { new JitInline(3, 4), new Sub(5, -6), new JitInline(-7, 200), new Sub(0, 50) };
        long acc = 0;
        for (int round = 0; round < 300; round++) {
            JitInline o = objs[round % objs.length];
            acc += o.getX() + o.sum() + o.wide() + (o.isFlag() ? 1 : 2) + o.clampedY() + o.loopy();
            acc += twice(round) + (small(round % 130) ? 1 : 0) + mix(acc, round) + readStatic() + nested(round);
            if (o.getRef() != null)
                acc ^= round;
            o.flag = !o.flag;
        }
        System.out.println("acc " + acc);
        System.out.println("npe " + npes(null, objs[0]));
        System.out.println("depth " + depth(50, objs[0]) + " " + depth(60, objs[1]));
        long sum = 0;
        for (int i = 0; i < 200000; i++)
            sum += objs[i & 3].sum() + twice(i) + objs[i & 1].getX();
        System.out.println("loop " + sum + " seed " + mix(seed, 5));
        System.out.println("deep " + depth(1000, objs[2]));
    }
}
