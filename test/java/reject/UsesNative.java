// expect: native methods are not allowed in VIFlet classes
// where: method (a native method has no bytecode)
public class UsesNative {
    static native int peek(long addr);
    public static void main(String[] args) { System.out.println(peek(0)); }
}
