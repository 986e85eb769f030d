// Per-operation micro-benchmarks (seed VI.2.1.2, Figure 6.6): each test runs
// N iterations of one operation in a loop and prints "name ns/iteration".
public class Micro {
    interface I { int f(int x); }
    static class A implements I { int v; static int sv; public int f(int x) { return x + 1; } int g(int x) { return x + v; } }
    static class B extends A { int g(int x) { return x - v; } }
    static int sf(int x) { return x + 1; }
    static void report(String name, long t0, long t1, int n) { System.out.println(name + " " + ((t1 - t0) * 1000 / n) / 1000.0); }
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000000;
        int acc = 0; long t0, t1;
        A a = new A(); A b = new B(); I ia = a; int[] arr = new int[64];
        t0 = System.nanoTime(); for (int i = 0; i < n; i++) { } t1 = System.nanoTime(); report("null_loop", t0, t1, n);
        t0 = System.nanoTime(); for (int i = 0; i < n; i++) acc = sf(acc); t1 = System.nanoTime(); report("invoke_static", t0, t1, n);
        t0 = System.nanoTime(); for (int i = 0; i < n; i++) acc = b.g(acc); t1 = System.nanoTime(); report("invoke_virtual", t0, t1, n);
        t0 = System.nanoTime(); for (int i = 0; i < n; i++) acc = ia.f(acc); t1 = System.nanoTime(); report("invoke_interface", t0, t1, n);
        t0 = System.nanoTime(); for (int i = 0; i < n; i++) acc += (int) Math.sqrt(i); t1 = System.nanoTime(); report("invoke_native", t0, t1, n);
        t0 = System.nanoTime(); for (int i = 0; i < n; i++) { a.v = a.v + i; } t1 = System.nanoTime(); report("field_rw", t0, t1, n);
        t0 = System.nanoTime(); for (int i = 0; i < n; i++) { A.sv = A.sv + i; } t1 = System.nanoTime(); report("static_field_rw", t0, t1, n);
        t0 = System.nanoTime(); for (int i = 0; i < n; i++) { arr[i & 63] = arr[(i + 1) & 63] + i; } t1 = System.nanoTime(); report("array_rw", t0, t1, n);
        t0 = System.nanoTime(); for (int i = 0; i < n; i++) { acc = acc * 31 + (i ^ (acc >>> 3)); } t1 = System.nanoTime(); report("alu", t0, t1, n);
        t0 = System.nanoTime(); for (int i = 0; i < n; i++) { Object o = new A(); } t1 = System.nanoTime(); report("new_object", t0, t1, n);
        t0 = System.nanoTime(); for (int i = 0; i < n; i++) { int[] x = new int[8]; } t1 = System.nanoTime(); report("new_array", t0, t1, n);
        System.out.println("acc " + (acc + a.v + A.sv + arr[3]));
    }
}
