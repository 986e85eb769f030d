public class IntArith {
    static int[] vals = { 0, 1, -1, 2, -2, 7, -7, 100, Integer.MAX_VALUE, Integer.MIN_VALUE, 12345678, -99999 };
    public static void main(String[] args) {
        for (int a : vals) for (int b : vals) {
            StringBuilder sb = new StringBuilder();
            sb.append(a + b).append(' ').append(a - b).append(' ').append(a * b).append(' ');
            if (b != 0) sb.append(a / b).append(' ').append(a % b); else sb.append("div0");
            sb.append(' ').append(a & b).append(' ').append(a | b).append(' ').append(a ^ b);
            sb.append(' ').append(a << b).append(' ').append(a >> b).append(' ').append(a >>> b);
            sb.append(' ').append(-a).append(' ').append(~a).append(' ').append(a < b).append(a == b);
            System.out.println(sb);
        }
        System.out.println(Integer.MIN_VALUE / -1);
        System.out.println(Integer.MIN_VALUE % -1);
        int x = 5; x += 3; x -= 1; x *= 7; x /= 2; x %= 10; x <<= 33; x >>= 1; x >>>= 34; System.out.println(x);
        int i = 10; i++; ++i; i--; System.out.println(i + " " + (i++ + ++i));
        byte by = (byte) 200; short sh = (short) 70000; char ch = (char) -1;
        System.out.println(by + " " + sh + " " + (int) ch + " " + (byte) 128 + " " + (short) -32769);
        System.out.println((1 << 31) + " " + (1 << 32) + " " + (1 << -1) + " " + (-1 >>> 28) + " " + (-16 >> 2));
    }
}
