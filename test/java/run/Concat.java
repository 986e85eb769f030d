public class Concat {
    static class P { int x; P(int x) { this.x = x; } public String toString() { return "P(" + x + ")"; } }
    public static void main(String[] args) {
        byte b = -5; short s = 300; char c = 'z'; int i = -42; long l = 1234567890123L; float f = 2.5f; double d = -0.125;
        boolean t = true; String str = "s"; String nul = null; Object o = new P(3); Object on = null; char[] cs = { 'h', 'i' };
        System.out.println("b=" + b + " s=" + s + " c=" + c + " i=" + i + " l=" + l + " f=" + f + " d=" + d + " t=" + t);
        System.out.println("str=" + str + " nul=" + nul + " o=" + o + " on=" + on);
        System.out.println(b + s + c + i + "|" + l + f + d);
        System.out.println("" + 'a' + 'b' + ('a' + 'b'));
        System.out.println(1 + 2 + "3" + 4 + 5);
        String acc = ""; for (int k = 0; k < 5; k++) acc += k; System.out.println(acc);
        System.out.println("\u0001 and \u0002 are recipe tags" + i + "\u0001");
        System.out.println("unicode: \u00e9\u4e2d\u6587 " + '\u00fc' + " " + "\uD83D\uDE00".length());
        System.out.println(new P(7) + " " + o.toString() + String.valueOf(cs) + str.concat("!") + str.length());
        Integer boxed = 42; Long bl = 7L; Double bd = 1.5; Character bc = 'q'; Boolean bb = false;
        System.out.println(boxed + " " + bl + " " + bd + " " + bc + " " + bb + " " + (boxed + 1));
        System.out.println(Float.MAX_VALUE + " " + Double.MAX_VALUE + " " + Long.MIN_VALUE + " " + Integer.MIN_VALUE);
        System.out.println(1.0E10f + " " + 1e-4 + " " + 0.001f + " " + 1e7 + " " + (float) 1e7);
    }
}
