public class Uncaught {
    static void g(int x) { System.out.println("before"); System.out.println(10 / x); }
    public static void main(String[] args) { g(0); System.out.println("not reached"); }
}
