public class Misc {
    static int sfield; long lfield; double dfield; static double sd; static long sl; static byte sb; static char sc; static short ss; static boolean sz;
    byte b; char c; short s; boolean z; float f; Object o;
    public static void main(String[] args) {
        Misc m = new Misc();
        m.lfield = Long.MIN_VALUE; m.dfield = -1.5; m.b = (byte) 130; m.c = 'Z'; m.s = (short) 40000; m.z = true; m.f = 3.25f; m.o = "obj";
        sfield = 42; sd = 2.5; sl = -7; sb = -1; sc = '\u00ff'; ss = -300; sz = true;
        System.out.println(m.lfield + " " + m.dfield + " " + m.b + " " + m.c + " " + m.s + " " + m.z + " " + m.f + " " + m.o);
        System.out.println(sfield + " " + sd + " " + sl + " " + sb + " " + sc + " " + ss + " " + sz);
        m.b += 200; m.c++; m.s *= 2; m.lfield--; System.out.println(m.b + " " + m.c + " " + m.s + " " + m.lfield);
        int x = 3; x = x++ + ++x; System.out.println(x);
        long t0 = System.nanoTime(); long t1 = System.nanoTime(); System.out.println(t1 >= t0);
        boolean a = true, b2 = false; System.out.println((a & b2) + " " + (a | b2) + " " + (a ^ b2) + " " + (!a) + " " + (a && !b2) + " " + (b2 || a));
        int cond = 5; System.out.println(cond > 3 ? "big" : "small");
        char ch = 'a'; ch += 2; System.out.println(ch);
        int ii = 'a' + 1; System.out.println(ii + " " + (char) ii);
        label: for (int i = 0; i < 3; i++) { for (int j = 0; j < 3; j++) { if (j == 2) continue label; if (i == 2) break label; System.out.print(i + "" + j + " "); } }
        System.out.println();
        int w = 0; do { w += 3; } while (w < 10); System.out.println(w);
        Object[] arr = { m }; System.out.println(((Misc) arr[0]).s);
        System.out.println(Math.floorMod(-7, 3) + " " + Math.floorDiv(-7, 3) + " " + Math.abs(Integer.MIN_VALUE) + " " + Math.max(3L, 4L));
    }
}
