public class StaticInit {
    static StringBuilder log = new StringBuilder();
    static class A { static int a = init("A"); static int init(String s) { log.append(s).append(' '); return 1; } static void touch() {} }
    static class B extends A { static int b = init("B"); static final int CONST = 99; static final String S = "const"; }
    static class C { static { log.append("C "); } static int v = 3; C() { log.append("newC "); } }
    static class D { static int x; static { x = E.y + 1; log.append("D "); } }
    static class E { static int y; static { y = D.x + 10; log.append("E "); } }
    static int counter; static { counter = 100; }
    public static void main(String[] args) {
        System.out.println("[" + log + "]");
        System.out.println(B.CONST + " " + B.S + " [" + log + "]");
        A.touch(); System.out.println("[" + log + "]");
        System.out.println(B.b + " [" + log + "]");
        new C(); new C(); System.out.println("[" + log + "] " + C.v);
        System.out.println(D.x + " " + E.y + " [" + log + "]");
        System.out.println(counter);
    }
}
