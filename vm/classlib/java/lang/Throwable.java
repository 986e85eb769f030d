package java.lang;

/** Base of all exceptions. The VM fills `trace` ("\tat ..." lines) when the
 *  object is made, like fillInStackTrace. */
public class Throwable {
    private String message;
    private Throwable cause;
    private String trace;

    public Throwable() { fillIn(); }
    public Throwable(String message) { this.message = message; fillIn(); }
    public Throwable(String message, Throwable cause) { this.message = message; this.cause = cause; fillIn(); }
    public Throwable(Throwable cause) { this.message = cause == null ? null : cause.toString(); this.cause = cause; fillIn(); }

    private native void fillIn();
    private native String className();
    public String getMessage() { return message; }
    public String getLocalizedMessage() { return getMessage(); }
    public Throwable getCause() { return cause; }
    public Throwable initCause(Throwable c) { cause = c; return this; }
    public String toString() {
        String m = getLocalizedMessage();
        return m != null ? className() + ": " + m : className();
    }
    public void printStackTrace() {
        System.err.println(this);
        if (trace != null) System.err.print(trace);
        if (cause != null) System.err.println("Caused by: " + cause);
    }
}
