public class Switches {
    static String table(int x) {
        switch (x) { case -1: return "minus"; case 0: return "zero"; case 1: case 2: return "small"; case 3: return "three"; case 5: return "five"; default: return "other"; }
    }
    static String lookup(int x) {
        switch (x) { case -1000000: return "neg-million"; case 7: return "seven"; case 1000: return "thousand"; case Integer.MAX_VALUE: return "max"; case Integer.MIN_VALUE: return "min"; default: return "dflt"; }
    }
    static int fall(int x) { int r = 0; switch (x) { case 1: r += 1; case 2: r += 10; case 3: r += 100; break; default: r = -1; } return r; }
    static String str(String s) { switch (s) { case "apple": return "A"; case "banana": return "B"; case "Aa": return "Aa"; case "BB": return "BB"; default: return "?"; } }
    static int chars(char c) { switch (c) { case 'a': return 1; case 'z': return 26; default: return 0; } }
    public static void main(String[] args) {
        for (int i = -2; i < 7; i++) System.out.print(table(i) + " ");
        System.out.println();
        int[] ks = { -1000000, 7, 1000, Integer.MAX_VALUE, Integer.MIN_VALUE, 8, 0 };
        for (int k : ks) System.out.print(lookup(k) + " ");
        System.out.println();
        for (int i = 0; i < 5; i++) System.out.print(fall(i) + " ");
        System.out.println();
        String[] ss = { "apple", "banana", "Aa", "BB", "cherry" };
        for (String s : ss) System.out.print(str(s) + " ");
        System.out.println(chars('a') + chars('z') + chars('q'));
        long l = 5; int r = switch ((int) l) { case 5 -> 50; case 6 -> 60; default -> 0; }; System.out.println(r);
    }
}
