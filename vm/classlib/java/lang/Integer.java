package java.lang;

public final class Integer implements Comparable<Integer> {
    public static final int MIN_VALUE = 0x80000000;
    public static final int MAX_VALUE = 0x7fffffff;
    public static final int SIZE = 32;
    private static final Integer[] cache = new Integer[256];
    private final int value;

    public Integer(int v) { value = v; }
    public static Integer valueOf(int v) {
        if (v >= -128 && v <= 127) {
            Integer i = cache[v + 128];
            if (i == null) { i = new Integer(v); cache[v + 128] = i; }
            return i;
        }
        return new Integer(v);
    }
    public static Integer valueOf(String s) { return valueOf(parseInt(s)); }
    public int intValue() { return value; }
    public long longValue() { return value; }
    public double doubleValue() { return value; }
    public float floatValue() { return value; }
    public int hashCode() { return value; }
    public boolean equals(Object o) { return o instanceof Integer && ((Integer) o).value == value; }
    public int compareTo(Integer o) { return compare(value, o.value); }
    public String toString() { return toString(value); }
    public static native String toString(int i);
    public static int hashCode(int i) { return i; }
    public static int compare(int a, int b) { return a < b ? -1 : a == b ? 0 : 1; }
    public static int max(int a, int b) { return Math.max(a, b); }
    public static int min(int a, int b) { return Math.min(a, b); }
    public static int sum(int a, int b) { return a + b; }
    public static int signum(int i) { return (i >> 31) | (-i >>> 31); }
    public static int bitCount(int i) {
        int n = 0;
        while (i != 0) { n += i & 1; i >>>= 1; }
        return n;
    }
    public static int numberOfLeadingZeros(int i) {
        if (i == 0) return 32;
        int n = 0;
        while (i >= 0) { n++; i <<= 1; }
        return n;
    }
    public static int numberOfTrailingZeros(int i) {
        if (i == 0) return 32;
        int n = 0;
        while ((i & 1) == 0) { n++; i >>>= 1; }
        return n;
    }
    public static int reverse(int i) {
        int r = 0;
        for (int k = 0; k < 32; k++) { r = (r << 1) | (i & 1); i >>>= 1; }
        return r;
    }
    public static int rotateLeft(int i, int d) { return (i << d) | (i >>> -d); }
    public static int rotateRight(int i, int d) { return (i >>> d) | (i << -d); }
    public static String toString(int i, int radix) {
        if (radix < 2 || radix > 36) radix = 10;
        if (i == 0) return "0";
        StringBuilder sb = new StringBuilder();
        boolean neg = i < 0;
        while (i != 0) {
            int d = i % radix;
            if (d < 0) d = -d;
            sb.append(Character.forDigit(d, radix));
            i /= radix;
        }
        if (neg) sb.append('-');
        return sb.reverse().toString();
    }
    private static String unsigned(int i, int shift) {
        if (i == 0) return "0";
        StringBuilder sb = new StringBuilder();
        int mask = (1 << shift) - 1;
        while (i != 0) { sb.append(Character.forDigit(i & mask, 1 << shift)); i >>>= shift; }
        return sb.reverse().toString();
    }
    public static String toHexString(int i) { return unsigned(i, 4); }
    public static String toOctalString(int i) { return unsigned(i, 3); }
    public static String toBinaryString(int i) { return unsigned(i, 1); }
    public static int parseInt(String s) { return parseInt(s, 10); }
    public static int parseInt(String s, int radix) {
        if (s == null) throw new NumberFormatException("Cannot parse null string: null");
        int n = s.length(), i = 0;
        if (n == 0) throw new NumberFormatException("For input string: \"\"" + (radix == 10 ? "" : " under radix " + radix));
        boolean neg = false;
        char c0 = s.charAt(0);
        if (c0 == '-' || c0 == '+') { neg = c0 == '-'; i = 1; if (n == 1) throw bad(s, radix); }
        long r = 0;
        for (; i < n; i++) {
            int d = Character.digit(s.charAt(i), radix);
            if (d < 0) throw bad(s, radix);
            r = r * radix + d;
            if (r > 2147483648L) throw bad(s, radix);
        }
        if (neg) r = -r;
        if (r > MAX_VALUE || r < MIN_VALUE) throw bad(s, radix);
        return (int) r;
    }
    private static NumberFormatException bad(String s, int radix) {
        return new NumberFormatException("For input string: \"" + s + "\"" + (radix == 10 ? "" : " under radix " + radix));
    }
}
