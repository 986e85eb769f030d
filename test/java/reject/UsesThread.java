// expect: java/lang/Thread is not in the VIFlet class library
public class UsesThread {
    public static void main(String[] args) throws Exception { Thread t = new Thread(); t.start(); t.join(); }
}
