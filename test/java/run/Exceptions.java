public class Exceptions {
    static class MyEx extends RuntimeException { int code; MyEx(String m, int c) { super(m); code = c; } }
    static class Sub extends MyEx { Sub() { super("sub", 2); } }
    static int depth = 0;
    static int f(int n) { try { if (n == 0) throw new MyEx("bottom", 1); return f(n - 1) + 1; } finally { depth++; } }
    static int tricky() { int x = 1; try { return x; } finally { x = 2; System.out.println("finally in tricky"); } }
    @SuppressWarnings("finally")
    static int override() { try { throw new RuntimeException("x"); } finally { return 5; } }
    public static void main(String[] args) {
        try { f(5); } catch (MyEx e) { System.out.println("caught " + e.getMessage() + " code=" + e.code + " depth=" + depth); }
        try { throw new Sub(); } catch (Sub e) { System.out.println("sub first"); } catch (MyEx e) { System.out.println("wrong"); }
        try { throw new Sub(); } catch (IllegalStateException e) { System.out.println("wrong"); } catch (RuntimeException e) { System.out.println("runtime: " + e); }
        System.out.println(tricky());
        System.out.println(override());
        int[] a = new int[3];
        try { a[-1] = 0; } catch (ArrayIndexOutOfBoundsException e) { System.out.println(e.getMessage()); }
        try { a[3]++; } catch (IndexOutOfBoundsException e) { System.out.println("ioobe " + e.getMessage()); }
        try { int[] n = new int[-2]; } catch (NegativeArraySizeException e) { System.out.println("neg " + e.getMessage()); }
        try { Object o = new Object[1]; String s = (String) o; } catch (ClassCastException e) { System.out.println("cce"); }
        try { Object[] oa = new String[1]; oa[0] = 1; } catch (ArrayStoreException e) { System.out.println("ase " + e.getMessage()); }
        try { long z = 0; System.out.println(1L / z); } catch (ArithmeticException e) { System.out.println(e); }
        try { int z = 0; System.out.println(1 % z); } catch (ArithmeticException e) { System.out.println(e.getMessage()); }
        try { Object o = null; o.hashCode(); } catch (NullPointerException e) { System.out.println("npe1"); }
        try { int[] n = null; int x = n.length; } catch (NullPointerException e) { System.out.println("npe2"); }
        try { int[] n = null; n[0] = 1; } catch (NullPointerException e) { System.out.println("npe3"); }
        try { throw null; } catch (NullPointerException e) { System.out.println("npe4"); }
        try { try { throw new IllegalArgumentException("inner"); } finally { System.out.println("inner finally"); } }
        catch (IllegalArgumentException e) { System.out.println("outer " + e.getMessage()); }
        try { Integer.parseInt("12x"); } catch (NumberFormatException e) { System.out.println(e.getMessage()); }
        try { "abc".charAt(5); } catch (StringIndexOutOfBoundsException e) { System.out.println("sioobe"); }
        Throwable t = new Exception("wrapped", new Error("cause")); System.out.println(t + " / " + t.getCause());
        for (int i = 0; i < 3; i++) { try { if (i == 1) continue; System.out.println("body " + i); } finally { System.out.println("fin " + i); } }
        System.out.println(new RuntimeException().getMessage() + " " + new MyEx(null, 0));
    }
}
