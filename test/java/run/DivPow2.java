// Division and remainder by constant powers of two (the JIT uses shifts):
// Java rounds toward zero, so negative dividends need the bias; edge values
// of int, every k, and long divisors (still divided).
public class DivPow2 {
    public static void main(String[] args) {
        int[] xs = { 0, 1, -1, 2, -2, 3, -3, 7, -7, 8, -8, 9, -9, 1023, -1023, 1024, -1024, 1025, -1025,
            Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1, 123456789, -123456789 };
        long h = 17;
        for (int x : xs) {
            int[] r = { x / 2, x % 2, x / 4, x % 4, x / 8, x % 8, x / 16, x % 16, x / 1024, x % 1024,
                x / 65536, x % 65536, x / 1073741824, x % 1073741824, x / 3, x % 3, x / -4, x % -4 };
            long l = (long) x;
            long[] q = { l / 4, l % 4, l / 1024, l % 1024 };
            for (int v : r)
                h = h * 31 + v;
            for (long v : q)
                h = h * 31 + v;
            System.out.println(x + ": " + (x / 4) + " " + (x % 4) + " " + (x / 1073741824) + " " + (x % 65536));
        }
        System.out.println("hash " + h);
    }
}
