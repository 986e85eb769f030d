// expect: monitors (synchronized) are not supported
public class UsesSync {
    static Object lock = new Object();
    public static void main(String[] args) { synchronized (lock) { System.out.println("locked"); } }
}
