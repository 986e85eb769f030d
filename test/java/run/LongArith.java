public class LongArith {
    static long[] vals = { 0L, 1L, -1L, 3L, -3L, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, 123456789012345L, Integer.MIN_VALUE };
    public static void main(String[] args) {
        for (long a : vals) for (long b : vals) {
            String s = (a + b) + " " + (a - b) + " " + (a * b) + " " + (b != 0 ? (a / b) + " " + (a % b) : "div0")
                + " " + (a & b) + " " + (a | b) + " " + (a ^ b) + " " + (a << (int) b) + " " + (a >> b) + " " + (a >>> b)
                + " " + (a < b) + " " + Long.compare(a, b);
            System.out.println(s);
        }
        System.out.println(Long.MIN_VALUE / -1L);
        System.out.println(Long.MIN_VALUE % -1L);
        for (int sh = 60; sh < 70; sh++) System.out.println(sh + ": " + (1L << sh) + " " + (-1L >>> sh) + " " + (Long.MIN_VALUE >> sh));
        long l = 0x123456789abcdefL; int i = (int) l; System.out.println(i + " " + (long) i + " " + (l * l));
        System.out.println(Long.toHexString(-1L) + " " + Long.toBinaryString(5L) + " " + Long.MAX_VALUE + " " + Long.MIN_VALUE);
    }
}
