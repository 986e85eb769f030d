package java.lang;

/** Character classification for ASCII and Latin-1 (the subset VIFlets need). */
public final class Character implements Comparable<Character> {
    public static final char MIN_VALUE = '\u0000';
    public static final char MAX_VALUE = '\uffff';
    private final char value;

    public Character(char c) { value = c; }
    public static Character valueOf(char c) { return new Character(c); }
    public char charValue() { return value; }
    public int hashCode() { return value; }
    public boolean equals(Object o) { return o instanceof Character && ((Character) o).value == value; }
    public int compareTo(Character o) { return value - o.value; }
    public String toString() { return String.valueOf(value); }
    public static String toString(char c) { return String.valueOf(c); }
    public static boolean isDigit(char c) { return c >= '0' && c <= '9'; }
    public static boolean isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xff && c != 0xd7 && c != 0xf7); }
    public static boolean isLetterOrDigit(char c) { return isDigit(c) || isLetter(c); }
    public static boolean isAlphabetic(int c) { return isLetter((char) c); }
    public static boolean isUpperCase(char c) { return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7); }
    public static boolean isLowerCase(char c) { return (c >= 'a' && c <= 'z') || (c >= 0xdf && c <= 0xff && c != 0xf7); }
    public static boolean isWhitespace(char c) { return c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f); }
    public static char toUpperCase(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0xfe && c != 0xf7)) return (char) (c - 32);
        return c;
    }
    public static char toLowerCase(char c) {
        if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7)) return (char) (c + 32);
        return c;
    }
    public static int digit(char c, int radix) {
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'z') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'Z') d = c - 'A' + 10;
        else return -1;
        return d < radix ? d : -1;
    }
    public static char forDigit(int d, int radix) {
        if (d < 0 || d >= radix) return 0;
        return (char) (d < 10 ? '0' + d : 'a' + d - 10);
    }
    public static int getNumericValue(char c) { return digit(c, 36); }
}
