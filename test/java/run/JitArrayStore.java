// aastore under the JIT (issue 9): store checks passing and failing, handlers in the
// storing method, null arrays, bad indices, constant indices, subclasses.
public class JitArrayStore {
    static class A { int k; A(int k) { this.k = k; } public String toString() { return "A" + k; } }
    static class B extends A { B(int k) { super(k); } public String toString() { return "B" + k; } }
    static Object[] objs = new String[3];
    static int f(Object[] a, int i, Object v) {
        try { a[i] = v; return 1; }
        catch (ArrayStoreException e) { System.out.println("ASE " + e.getMessage()); return 2; }
        catch (ArrayIndexOutOfBoundsException e) { System.out.println("AIOOBE " + e.getMessage()); return 3; }
        catch (NullPointerException e) { System.out.println("NPE"); return 4; }
    }
    static void g(A[] a, B x) { a[1] = x; a[0] = x; }
    public static void main(String[] args) {
        Object[] o = new Object[2];
        System.out.println(f(o, 0, "s") + " " + f(o, 1, 7) + " " + f(o, 2, "x") + " " + f(null, 0, "y"));
        System.out.println(f(objs, 0, "s") + " " + f(objs, 1, 7) + " " + f(objs, -1, null) + " " + f(objs, 2, null));
        A[] n = new B[2];
        g(n, new B(5));
        System.out.println(n[0] + " " + n[1]);
        A[] m = new A[2];
        g(m, new B(6));
        System.out.println(m[0] + " " + m[1] + " " + f(n, 0, new A(1)) + " " + f(m, 1, new A(2)) + " " + m[1]);
        String[] s = new String[4];
        for (int i = 0; i < s.length; i++) s[i] = "v" + i;
        Object[] t = new Object[] { s, s[1], o, null };
        System.out.println(t.length + " " + ((String[]) t[0])[3] + " " + t[1]);
    }
}
