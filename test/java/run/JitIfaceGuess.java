// Interface calls compiled before their first call (issue 9): the site
// guesses the one loaded class implementing the interface and calls its
// method directly behind a check of the receiver's class; classes loaded
// later (and null) take the cache and the helper. Also a guessed target
// that throws, and one reached before it was compiled.
public class JitIfaceGuess {
    interface Op { int apply(int x); }
    static class Twice implements Op { public int apply(int x) { return 2 * x; } }
    static class Fail implements Op { public int apply(int x) { return 10 / x; } }
    static class Plus implements Op {
        final int k;
        Plus(int k) { this.k = k; }
        public int apply(int x) { return x + k; }
    }
    static class PlusMore extends Plus {
        PlusMore() { super(100); }
        public int apply(int x) { return super.apply(x) + 1; }
    }

    static int call(Op o, int x) { return o.apply(x); }

    static int safe(Op o, int x) {
        try {
            return o.apply(x);
        } catch (ArithmeticException e) {
            return -1;
        } catch (NullPointerException e) {
            return -2;
        }
    }

    public static void main(String[] args) {
        Op t = new Twice();
        System.out.println(call(t, 21));        // compiled with Twice the only Op
        long s = 0;
        for (int i = 0; i < 1000; i++)
            s += call(t, i);
        System.out.println(s);
        System.out.println(call(new Plus(5), 1) + " " + call(new PlusMore(), 1) + " " + call(t, 4));
        System.out.println(safe(new Fail(), 5) + " " + safe(new Fail(), 0) + " " + safe(null, 1));
        Op[] ops = { t, new Plus(1), new PlusMore(), new Fail(), t };
        for (int r = 0; r < 3; r++) {
            StringBuilder b = new StringBuilder();
            for (Op o : ops)
                b.append(safe(o, r)).append(' ');
            System.out.println(b);
        }
    }
}
