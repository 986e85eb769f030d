public class Objects1 {
    interface Shape { double area(); String name(); }
    interface Named { default String label() { return "named:" + toString(); } }
    static abstract class Base implements Shape, Named {
        static int count; final int id;
        Base() { id = ++count; }
        public String name() { return getKind() + "#" + id; }
        abstract String getKind();
        public String toString() { return name(); }
    }
    static class Circle extends Base { double r; Circle(double r) { this.r = r; } public double area() { return Math.PI * r * r; } String getKind() { return "circle"; } }
    static class Square extends Base { double s; Square(double s) { super(); this.s = s; } public double area() { return s * s; } String getKind() { return "square"; }
        public String name() { return "sq-" + super.name(); } }
    static class Unit extends Square { Unit() { super(1); } String getKind() { return "unit"; } }
    private int priv = 5; private int getPriv() { return priv; }
    class Inner { int twice() { return priv * 2 + getPriv(); } }
    public static void main(String[] args) {
        Shape[] shapes = { new Circle(1), new Square(2), new Unit(), new Circle(0.5) };
        double total = 0;
        for (Shape s : shapes) { System.out.println(s.name() + " " + s.area()); total += s.area(); }
        System.out.println("total " + total + " count " + Base.count);
        for (Shape s : shapes) { System.out.println(((Named) s).label() + " " + (s instanceof Square) + " " + (s instanceof Unit) + " " + (s instanceof Named)); }
        Object o = shapes[2]; Square sq = (Square) o; System.out.println(sq.s);
        Objects1 outer = new Objects1(); Objects1.Inner in = outer.new Inner(); System.out.println(in.twice());
        Object x = new Object(); System.out.println(x.equals(x) + " " + x.equals(null) + " " + (x.hashCode() == x.hashCode()));
        String a = "hello", b = "hel" + "lo"; String c = new String("hello");
        System.out.println((a == b) + " " + a.equals(c) + " " + a.hashCode() + " " + c.hashCode() + " " + "".hashCode());
        Integer i1 = 127, i2 = 127, i3 = 1000, i4 = 1000;
        System.out.println((i1 == i2) + " " + i3.equals(i4) + " " + i1.compareTo(i3));
    }
}
