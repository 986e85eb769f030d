public class Inherit {
    static class A { String name = "A"; static String s() { return "sA"; } String who() { return "A.who"; } String call() { return who() + "/" + name; } A self() { return this; } }
    static class B extends A { String name = "B"; static String s() { return "sB"; } String who() { return "B.who>" + super.who(); } String both() { return name + super.name; } B self() { return this; } }
    static class C extends B { String who() { return "C.who>" + super.who(); } }
    static abstract class Tmpl { final String run() { return "[" + step1() + "|" + step2() + "]"; } abstract String step1(); String step2() { return "default"; } }
    static class Impl extends Tmpl { String step1() { return "impl"; } }
    interface K { int LIMIT = 10; static int twice(int x) { return 2 * x; } default int lim() { return LIMIT; } }
    static class KI implements K { public int lim() { return K.super.lim() + 1; } }
    public static void main(String[] args) {
        A a = new C();
        System.out.println(a.who() + " " + a.name + " " + ((B) a).name + " " + a.call() + " " + ((B) a).both());
        System.out.println(A.s() + " " + B.s() + " " + (a.self() == a));
        System.out.println(new Impl().run() + " " + K.twice(K.LIMIT) + " " + new KI().lim());
        A[] arr = { new A(), new B(), new C() };
        for (A x : arr) System.out.print(x.who() + "; ");
        System.out.println();
        Object o = new B(); System.out.println((o instanceof A) + " " + (o instanceof C) + " " + (o instanceof K));
    }
}
