public class StringSwitch {
    static int score(String s) {
        switch (s) {
            case "FB": return 1;     // "FB" and "Ea" share a hash code
            case "Ea": return 2;
            case "": return 3;
            case "polygenelubricants": return 4;
            default: return s.length() > 3 ? 5 : 6;
        }
    }
    static String season(int m) { switch (m) { case 12: case 1: case 2: return "winter"; case 3: case 4: case 5: return "spring"; case 6: case 7: case 8: return "summer"; default: return m >= 9 && m <= 11 ? "autumn" : "bad"; } }
    static int sparse(long v) { switch ((int) (v >> 4)) { case 1 << 20: return 1; case -7: return 2; case 65536: return 3; default: return 0; } }
    public static void main(String[] args) {
        String[] in = { "FB", "Ea", "", "polygenelubricants", "hello", "x" };
        for (String s : in) System.out.print(score(s) + " ");
        System.out.println("FB".hashCode() == "Ea".hashCode());
        for (int m = 0; m <= 13; m++) System.out.print(season(m) + " ");
        System.out.println();
        System.out.println(sparse(1L << 24) + " " + sparse(-112) + " " + sparse(1 << 20) + " " + sparse(5));
        char c = 'm'; String kind; switch (c) { case 'a': case 'e': case 'i': case 'o': case 'u': kind = "vowel"; break; default: kind = Character.isLetter(c) ? "consonant" : "other"; } System.out.println(kind);
    }
}
