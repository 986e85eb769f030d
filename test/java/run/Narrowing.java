public class Narrowing {
    public static void main(String[] args) {
        byte b = 10; b += 300; b *= 3; b >>= 1; System.out.println(b);
        short s = 1000; s *= 1000; s -= 70000; System.out.println(s);
        char c = 'A'; c += 70000; c++; System.out.println((int) c);
        int i = 'z' - 'a'; long l = i * 1000000000L; int trunc = (int) l; System.out.println(i + " " + l + " " + trunc);
        float f = 1e20f; int fi = (int) f; long fl = (long) f; System.out.println(fi + " " + fl);
        double d = -1e300; System.out.println((int) d + " " + (long) d + " " + (short) d + " " + (byte) d + " " + (char) d + " " + (float) d);
        double small = 1e-50; System.out.println((float) small + " " + (float) -small + " " + (int) 0.9999999 + " " + (long) -0.5);
        long big = 123456789012345678L; System.out.println((float) (big >> 40) + " " + (double) big + " " + (int) big + " " + (short) big);
        int x = Integer.MAX_VALUE; x++; long y = Integer.MAX_VALUE; y++; System.out.println(x + " " + y + " " + (Integer.MAX_VALUE + 1L));
        System.out.println((byte) -129 + " " + (short) 32768 + " " + (char) 65536 + "|" + (int) (char) -2 + " " + (byte) 0x7f + (byte) 0x80);
        System.out.println(0.1f == 0.1 ? "eq" : "ne");
        System.out.println((0.1f + 0.2f) + " " + (float) (0.1 + 0.2) + " " + (double) 0.3f);
        System.out.println(3 / 2 + " " + -3 / 2 + " " + 3 / -2 + " " + 3.0 / 2 + " " + 3 % 2 + " " + -3 % 2 + " " + 7.5 % 2.5);
    }
}
