package java.lang;

public final class StringBuilder implements CharSequence {
    private char[] value;
    private int count;

    public StringBuilder() { value = new char[16]; }
    public StringBuilder(int cap) { value = new char[cap]; }
    public StringBuilder(String s) { value = new char[s.length() + 16]; append(s); }

    char[] chars() { return value; }
    public int length() { return count; }
    public char charAt(int i) {
        if (i < 0 || i >= count) throw new StringIndexOutOfBoundsException("index " + i + ",length " + count);
        return value[i];
    }
    private void grow(int need) {
        if (need <= value.length) return;
        int n = value.length * 2 + 2;
        if (n < need) n = need;
        char[] v = new char[n];
        System.arraycopy(value, 0, v, 0, count);
        value = v;
    }
    public StringBuilder append(String s) {
        if (s == null) s = "null";
        int n = s.length();
        grow(count + n);
        for (int i = 0; i < n; i++) value[count + i] = s.charAt(i);
        count += n;
        return this;
    }
    public StringBuilder append(char c) { grow(count + 1); value[count++] = c; return this; }
    public StringBuilder append(Object o) { return append(String.valueOf(o)); }
    public StringBuilder append(CharSequence s) { return append(String.valueOf(s)); }
    public StringBuilder append(int i) { return append(Integer.toString(i)); }
    public StringBuilder append(long l) { return append(Long.toString(l)); }
    public StringBuilder append(boolean b) { return append(b ? "true" : "false"); }
    public StringBuilder append(double d) { return append(Double.toString(d)); }
    public StringBuilder append(float f) { return append(Float.toString(f)); }
    public StringBuilder append(char[] c) { return append(new String(c)); }
    public StringBuilder insert(int at, String s) {
        if (at < 0 || at > count) throw new StringIndexOutOfBoundsException("offset " + at + ", length " + count);
        String tail = new String(value, at, count - at);
        count = at;
        append(s);
        return append(tail);
    }
    public StringBuilder reverse() {
        for (int i = 0, j = count - 1; i < j; i++, j--) {
            char t = value[i]; value[i] = value[j]; value[j] = t;
        }
        return this;
    }
    public void setLength(int n) {
        if (n < 0) throw new StringIndexOutOfBoundsException(n);
        grow(n);
        for (int i = count; i < n; i++) value[i] = 0;
        count = n;
    }
    public void setCharAt(int i, char c) {
        if (i < 0 || i >= count) throw new StringIndexOutOfBoundsException("index " + i + ",length " + count);
        value[i] = c;
    }
    public StringBuilder deleteCharAt(int i) {
        if (i < 0 || i >= count) throw new StringIndexOutOfBoundsException("index " + i + ",length " + count);
        System.arraycopy(value, i + 1, value, i, count - i - 1);
        count--;
        return this;
    }
    public int indexOf(String s) { return toString().indexOf(s); }
    public String toString() { return new String(value, 0, count); }
}
