// Division and remainder by divisors known only at run time (the JIT skips
// idiv when 0 <= a < b): dividends below, at and above the divisor, zero,
// negative on either side, the edges of int and long, and a ring index as
// Queue computes it.
public class DivVar {
    static int q(int a, int b) { return a / b; }
    static int r(int a, int b) { return a % b; }
    static long lq(long a, long b) { return a / b; }
    static long lr(long a, long b) { return a % b; }

    public static void main(String[] args) {
        int[] xs = { 0, 1, -1, 2, -2, 5, -5, 6, -6, 7, -7, 15, 16, 17, Integer.MAX_VALUE, Integer.MIN_VALUE,
            Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1 };
        long h = 17;
        for (int a : xs)
            for (int b : xs) {
                if (b == 0)
                    continue;
                h = h * 31 + q(a, b);
                h = h * 31 + r(a, b);
                h = h * 31 + lq(a, b);
                h = h * 31 + lr(a, b);
                h = h * 31 + lr((long) a << 20, b);
            }
        System.out.println("hash " + h);
        System.out.println(r(5, 7) + " " + r(6, 7) + " " + r(7, 7) + " " + r(0, 7) + " " + r(-1, 7) + " " + r(5, -7)
            + " " + q(5, 7) + " " + q(-5, 7) + " " + q(Integer.MIN_VALUE, -1) + " " + r(Integer.MIN_VALUE, -1));
        int head = 0, n = 16;
        for (int i = 0; i < 40; i++)
            head = (head + 1) % n;
        System.out.println("head " + head);
        try {
            System.out.println(r(3, 0));
        } catch (ArithmeticException e) {
            System.out.println("caught " + e.getMessage());
        }
        try {
            System.out.println(lq(0, 0));
        } catch (ArithmeticException e) {
            System.out.println("caught " + e.getMessage());
        }
    }
}
