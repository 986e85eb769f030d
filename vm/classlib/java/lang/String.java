package java.lang;

/** Immutable UTF-16 text. The VM reads `value` directly (natives, concatenation). */
public final class String implements CharSequence, Comparable<String> {
    private final char[] value;
    private int hash;

    public String() { value = new char[0]; }
    public String(char[] v) { this(v, 0, v.length); }
    public String(char[] v, int off, int n) {
        if (off < 0 || n < 0 || off > v.length - n)
            throw new StringIndexOutOfBoundsException("offset " + off + ", count " + n + ", length " + v.length);
        value = new char[n];
        System.arraycopy(v, off, value, 0, n);
    }
    public String(String s) { value = s.value; hash = s.hash; }
    public String(StringBuilder sb) { this(sb.chars(), 0, sb.length()); }

    public int length() { return value.length; }
    public boolean isEmpty() { return value.length == 0; }
    public char charAt(int i) {
        if (i < 0 || i >= value.length)
            throw new StringIndexOutOfBoundsException("index " + i + ", length " + value.length);
        return value[i];
    }
    public char[] toCharArray() {
        char[] r = new char[value.length];
        System.arraycopy(value, 0, r, 0, value.length);
        return r;
    }
    public String toString() { return this; }

    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof String)) return false;
        char[] a = value, b = ((String) o).value;
        if (a.length != b.length) return false;
        for (int i = 0; i < a.length; i++)
            if (a[i] != b[i]) return false;
        return true;
    }
    public boolean equalsIgnoreCase(String s) {
        if (s == null || s.value.length != value.length) return false;
        for (int i = 0; i < value.length; i++)
            if (Character.toLowerCase(value[i]) != Character.toLowerCase(s.value[i])) return false;
        return true;
    }
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            for (int i = 0; i < value.length; i++)
                h = 31 * h + value[i];
            hash = h;
        }
        return h;
    }
    public int compareTo(String s) {
        int n = Math.min(value.length, s.value.length);
        for (int i = 0; i < n; i++)
            if (value[i] != s.value[i]) return value[i] - s.value[i];
        return value.length - s.value.length;
    }
    public int indexOf(int ch) { return indexOf(ch, 0); }
    public int indexOf(int ch, int from) {
        for (int i = Math.max(from, 0); i < value.length; i++)
            if (value[i] == ch) return i;
        return -1;
    }
    public int lastIndexOf(int ch) {
        for (int i = value.length - 1; i >= 0; i--)
            if (value[i] == ch) return i;
        return -1;
    }
    public int indexOf(String s) { return indexOf(s, 0); }
    public int indexOf(String s, int from) {
        char[] t = s.value;
        for (int i = Math.max(from, 0); i + t.length <= value.length; i++) {
            int k = 0;
            while (k < t.length && value[i + k] == t[k]) k++;
            if (k == t.length) return i;
        }
        return -1;
    }
    public boolean contains(CharSequence s) { return indexOf(s.toString()) >= 0; }
    public boolean startsWith(String p) { return p.value.length <= value.length && indexOf(p) == 0 || p.value.length == 0; }
    public boolean endsWith(String p) {
        int off = value.length - p.value.length;
        if (off < 0) return false;
        for (int i = 0; i < p.value.length; i++)
            if (value[off + i] != p.value[i]) return false;
        return true;
    }
    public String substring(int b) { return substring(b, value.length); }
    public String substring(int b, int e) {
        if (b < 0 || e > value.length || b > e)
            throw new StringIndexOutOfBoundsException("begin " + b + ", end " + e + ", length " + value.length);
        return new String(value, b, e - b);
    }
    public String concat(String s) {
        char[] r = new char[value.length + s.value.length];
        System.arraycopy(value, 0, r, 0, value.length);
        System.arraycopy(s.value, 0, r, value.length, s.value.length);
        return new String(r);
    }
    public String replace(char a, char b) {
        char[] r = toCharArray();
        for (int i = 0; i < r.length; i++)
            if (r[i] == a) r[i] = b;
        return new String(r);
    }
    public String trim() {
        int b = 0, e = value.length;
        while (b < e && value[b] <= ' ') b++;
        while (e > b && value[e - 1] <= ' ') e--;
        return substring(b, e);
    }
    public String toUpperCase() {
        char[] r = toCharArray();
        for (int i = 0; i < r.length; i++) r[i] = Character.toUpperCase(r[i]);
        return new String(r);
    }
    public String toLowerCase() {
        char[] r = toCharArray();
        for (int i = 0; i < r.length; i++) r[i] = Character.toLowerCase(r[i]);
        return new String(r);
    }
    public String repeat(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(this);
        return sb.toString();
    }

    public static String valueOf(Object o) { return o == null ? "null" : o.toString(); }
    public static String valueOf(int i) { return Integer.toString(i); }
    public static String valueOf(long l) { return Long.toString(l); }
    public static String valueOf(char c) { return new String(new char[] { c }); }
    public static String valueOf(boolean b) { return b ? "true" : "false"; }
    public static String valueOf(double d) { return Double.toString(d); }
    public static String valueOf(float f) { return Float.toString(f); }
    public static String valueOf(char[] c) { return new String(c); }
}
