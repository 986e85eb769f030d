package java.lang;

public final class Boolean implements Comparable<Boolean> {
    public static final Boolean TRUE = new Boolean(true);
    public static final Boolean FALSE = new Boolean(false);
    private final boolean value;

    public Boolean(boolean b) { value = b; }
    public static Boolean valueOf(boolean b) { return b ? TRUE : FALSE; }
    public static Boolean valueOf(String s) { return valueOf(parseBoolean(s)); }
    public static boolean parseBoolean(String s) { return s != null && s.equalsIgnoreCase("true"); }
    public boolean booleanValue() { return value; }
    public int hashCode() { return value ? 1231 : 1237; }
    public boolean equals(Object o) { return o instanceof Boolean && ((Boolean) o).value == value; }
    public int compareTo(Boolean o) { return value == o.value ? 0 : (value ? 1 : -1); }
    public String toString() { return value ? "true" : "false"; }
    public static String toString(boolean b) { return b ? "true" : "false"; }
    public static int compare(boolean a, boolean b) { return a == b ? 0 : (a ? 1 : -1); }
}
