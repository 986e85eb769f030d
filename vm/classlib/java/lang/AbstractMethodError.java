package java.lang;

public class AbstractMethodError extends IncompatibleClassChangeError {
    public AbstractMethodError() { super(); }
    public AbstractMethodError(String s) { super(s); }

}
