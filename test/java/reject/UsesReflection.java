// expect: getClass()Ljava/lang/Class; in the VIFlet class library (unsupported)
public class UsesReflection {
    public static void main(String[] args) { Object o = new Object(); System.out.println(o.getClass().getName()); }
}
