public class Anonymous {
    interface Counter { int next(); }
    static Counter make(final int start, final int step) { return new Counter() { int cur = start; public int next() { int r = cur; cur += step; return r; } }; }
    int base = 100;
    class Adder { int add(int x) { return base + x; } }
    static class Nested { static int n; Nested() { n++; } }
    public static void main(String[] args) {
        Counter a = make(0, 3), b = make(10, -1);
        for (int i = 0; i < 4; i++) System.out.print(a.next() + "," + b.next() + " ");
        System.out.println();
        Anonymous outer = new Anonymous(); Adder ad = outer.new Adder(); outer.base = 7; System.out.println(ad.add(5));
        new Nested(); new Nested(); System.out.println(Nested.n);
        Runnable r = new Runnable() { public void run() { System.out.println("ran " + getClass0()); } String getClass0() { return "anon"; } };
        r.run();
        Object o = new Object() { public String toString() { return "custom toString"; } }; System.out.println(o + " " + String.valueOf(o));
    }
}
