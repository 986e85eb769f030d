package java.lang;

/** Thrown when a static initializer ends with an exception (which is its cause). */
public class ExceptionInInitializerError extends LinkageError {
    private final Throwable exception;
    public ExceptionInInitializerError() { super(); exception = null; }
    public ExceptionInInitializerError(String s) { super(s); exception = null; }
    public ExceptionInInitializerError(Throwable t) { super(); exception = t; initCause(t); }
    public Throwable getException() { return exception; }
}
