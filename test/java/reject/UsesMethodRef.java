// expect: invokedynamic
public class UsesMethodRef {
    interface S { String get(); }
    public static void main(String[] args) { S s = "abc"::toUpperCase; System.out.println(s.get()); }
}
