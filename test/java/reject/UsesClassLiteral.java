// expect: class literals (reflection) are not supported
public class UsesClassLiteral {
    public static void main(String[] args) { Object c = String.class; System.out.println(c != null); }
}
