public class InitFail {
    static int zero() { return 0; }
    static class Bad { static int v = 1 / zero(); }
    static class Worse { static { if (zero() == 0) throw new IllegalStateException("no"); } static int w = 2; }
    public static void main(String[] args) {
        try { System.out.println(Bad.v); } catch (ExceptionInInitializerError e) { System.out.println("eiie " + e.getCause()); }
        try { System.out.println(Bad.v); } catch (NoClassDefFoundError e) { System.out.println("ncdfe " + e.getMessage()); }
        try { System.out.println(Worse.w); } catch (Error e) { System.out.println("error " + e.getCause().getMessage()); }
    }
}
