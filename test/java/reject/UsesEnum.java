// expect: java/lang/Enum is not in the VIFlet class library
public class UsesEnum {
    enum Color { RED, GREEN }
    public static void main(String[] args) { System.out.println(Color.GREEN.ordinal()); }
}
