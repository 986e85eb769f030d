public class UncaughtUser {
    static class Oops extends RuntimeException { Oops(String m) { super(m); } }
    public static void main(String[] args) { System.out.println("start"); throw new Oops("custom failure"); }
}
