package java.lang;

public final class Long implements Comparable<Long> {
    public static final long MIN_VALUE = 0x8000000000000000L;
    public static final long MAX_VALUE = 0x7fffffffffffffffL;
    public static final int SIZE = 64;
    private final long value;

    public Long(long v) { value = v; }
    public static Long valueOf(long v) { return new Long(v); }
    public long longValue() { return value; }
    public int intValue() { return (int) value; }
    public double doubleValue() { return value; }
    public int hashCode() { return (int) (value ^ (value >>> 32)); }
    public boolean equals(Object o) { return o instanceof Long && ((Long) o).value == value; }
    public int compareTo(Long o) { return compare(value, o.value); }
    public String toString() { return toString(value); }
    public static native String toString(long l);
    public static int hashCode(long l) { return (int) (l ^ (l >>> 32)); }
    public static int compare(long a, long b) { return a < b ? -1 : a == b ? 0 : 1; }
    public static long max(long a, long b) { return Math.max(a, b); }
    public static long min(long a, long b) { return Math.min(a, b); }
    public static int bitCount(long i) {
        int n = 0;
        while (i != 0) { n += (int) (i & 1); i >>>= 1; }
        return n;
    }
    public static int numberOfTrailingZeros(long i) {
        if (i == 0) return 64;
        int n = 0;
        while ((i & 1) == 0) { n++; i >>>= 1; }
        return n;
    }
    public static int numberOfLeadingZeros(long i) {
        if (i == 0) return 64;
        int n = 0;
        while (i >= 0) { n++; i <<= 1; }
        return n;
    }
    public static String toHexString(long i) {
        if (i == 0) return "0";
        StringBuilder sb = new StringBuilder();
        while (i != 0) { sb.append(Character.forDigit((int) (i & 15), 16)); i >>>= 4; }
        return sb.reverse().toString();
    }
    public static String toBinaryString(long i) {
        if (i == 0) return "0";
        StringBuilder sb = new StringBuilder();
        while (i != 0) { sb.append((char) ('0' + (int) (i & 1))); i >>>= 1; }
        return sb.reverse().toString();
    }
    public static long parseLong(String s) {
        if (s == null) throw new NumberFormatException("Cannot parse null string: null");
        int n = s.length(), i = 0;
        if (n == 0) throw new NumberFormatException("For input string: \"\"");
        boolean neg = false;
        char c0 = s.charAt(0);
        if (c0 == '-' || c0 == '+') { neg = c0 == '-'; i = 1; if (n == 1) throw bad(s); }
        long r = 0;
        for (; i < n; i++) {
            int d = Character.digit(s.charAt(i), 10);
            if (d < 0) throw bad(s);
            if (r < -922337203685477580L || (r == -922337203685477580L && d > (neg ? 8 : 7))) throw bad(s);
            r = r * 10 - d;
        }
        return neg ? r : -r;
    }
    private static NumberFormatException bad(String s) {
        return new NumberFormatException("For input string: \"" + s + "\"");
    }
}
