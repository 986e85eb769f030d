public class Bits {
    static int popcount(long x) { int n = 0; while (x != 0) { x &= x - 1; n++; } return n; }
    static int reverseBits(int x) { int r = 0; for (int i = 0; i < 32; i++) { r = (r << 1) | (x & 1); x >>>= 1; } return r; }
    static long rotl(long x, int k) { return (x << k) | (x >>> (64 - k)); }
    public static void main(String[] args) {
        long[] vals = { 0, 1, -1, 0x5555555555555555L, Long.MIN_VALUE, 0xdeadbeefcafebabeL };
        for (long v : vals) System.out.println(popcount(v) + " " + Long.bitCount(v) + " " + rotl(v, 13) + " " + (v >> 63) + " " + (v >>> 63) + " " + Long.numberOfTrailingZeros(v));
        int[] ivals = { 0, 1, -1, 0x12345678, Integer.MIN_VALUE, 0x7fffffff };
        for (int v : ivals) System.out.println(reverseBits(v) + " " + Integer.reverse(v) + " " + Integer.rotateLeft(v, 7) + " " + Integer.numberOfTrailingZeros(v) + " " + Integer.toHexString(v) + " " + Integer.toOctalString(v));
        System.out.println((5 & 3) + " " + (5 | 3) + " " + (5 ^ 3) + " " + (~5) + " " + (-17 >> 2) + " " + (-17 >>> 28) + " " + (-17 / 4) + " " + (-17 % 4) + " " + (17 % -4));
        long big = 1L << 62; System.out.println(big + big + " " + (big * 4) + " " + (-Long.MIN_VALUE) + " " + Math.abs(Long.MIN_VALUE) + " " + (Long.MAX_VALUE + 1));
        int sh = 35; System.out.println((1 << sh) + " " + (1L << sh) + " " + (1L << 99) + " " + (-1 >> 40) + " " + (8 >>> -1));
        short s = (short) 0x8000; char c = (char) s; byte b = (byte) c; System.out.println(s + " " + (int) c + " " + b + " " + (s >>> 4) + " " + (c >> 4));
        System.out.println(Integer.toBinaryString(-8).length() + " " + Long.toHexString(Long.MIN_VALUE) + " " + Integer.parseInt("-80000000", 16));
    }
}
