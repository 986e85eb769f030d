package java.io;

/** System.out and System.err: text goes to the VM's output hook (the VIF's
 *  log file under vifd, stdout under vifvm). */
public class PrintStream {
    private final boolean err;

    public PrintStream(boolean err) { this.err = err; }
    private static native void write0(String s, boolean err);
    public void print(String s) { write0(s == null ? "null" : s, err); }
    public void print(Object o) { print(String.valueOf(o)); }
    public void print(int i) { print(String.valueOf(i)); }
    public void print(long l) { print(String.valueOf(l)); }
    public void print(char c) { print(String.valueOf(c)); }
    public void print(boolean b) { print(String.valueOf(b)); }
    public void print(double d) { print(String.valueOf(d)); }
    public void print(float f) { print(String.valueOf(f)); }
    public void print(char[] c) { print(new String(c)); }
    public void println() { write0("\n", err); }
    public void println(String s) { print((s == null ? "null" : s) + "\n"); }
    public void println(Object o) { println(String.valueOf(o)); }
    public void println(int i) { println(String.valueOf(i)); }
    public void println(long l) { println(String.valueOf(l)); }
    public void println(char c) { println(String.valueOf(c)); }
    public void println(boolean b) { println(String.valueOf(b)); }
    public void println(double d) { println(String.valueOf(d)); }
    public void println(float f) { println(String.valueOf(f)); }
    public void println(char[] c) { println(new String(c)); }
    public void flush() {}
}
