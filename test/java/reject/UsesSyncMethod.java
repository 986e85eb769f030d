// expect: synchronized methods are not supported
public class UsesSyncMethod {
    static synchronized void f() {}
    public static void main(String[] args) { f(); }
}
