// Calls compiled code makes without the C helper: virtual calls through the
// receiver's vtable, interface calls through the call site's cache (hits and
// misses, several receiver classes at one site), natives called directly
// (static and on a final class), results of every width, exceptions thrown
// by the callee and caught by the caller, a null receiver.
public class JitCalls {
    interface Shape { int area(); long big(long k); double half(); }
    static class Sq implements Shape {
        int s; Sq(int s) { this.s = s; }
        public int area() { return s * s; }
        public long big(long k) { return k * s; }
        public double half() { return s / 2.0; }
    }
    static class Rect extends Sq {
        int w; Rect(int s, int w) { super(s); this.w = w; }
        public int area() { return s * w; }
        public long big(long k) { return k * s * w + 1; }
    }
    static class Bad extends Sq {
        Bad() { super(0); }
        public int area() { throw new IllegalStateException("bad area"); }
    }
    static abstract class Node { abstract int depth(int n); }
    static class Chain extends Node { int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); } }

    public static void main(String[] args) {
        Shape[] shapes = { new Sq(3), new Rect(2, 5), new Sq(4), new Rect(3, 3), new Bad() };
        long total = 0;
        double halves = 0;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < shapes.length; i++) {
                Shape sh = shapes[i];          // one interface site, three classes
                try {
                    total += sh.area();
                } catch (IllegalStateException e) {
                    total += 1000;
                }
                total += sh.big(round);
                halves += sh.half();
                Sq q = (Sq) sh;                // one virtual site
                try {
                    total += q.area();
                } catch (IllegalStateException e) {
                    total -= 7;
                }
            }
        }
        System.out.println("total " + total + " halves " + halves);
        System.out.println("depth " + new Chain().depth(200));
        String s = "hello, world";
        int h = 0;
        for (int i = 0; i < s.length(); i++) h = 31 * h + s.charAt(i);   // natives and small methods
        System.out.println("hash " + h + " " + (h == s.hashCode()) + " sqrt " + Math.sqrt(2.0));
        Sq none = null;
        try {
            System.out.println(none.area());
        } catch (NullPointerException e) {
            System.out.println("null receiver");
        }
        Shape nsh = null;
        try {
            System.out.println(nsh.area());
        } catch (NullPointerException e) {
            System.out.println("null interface receiver");
        }
    }
}
