public class Boxing {
    static int sum(Integer... xs) { int s = 0; for (Integer x : xs) s += x; return s; }
    static Object id(Object o) { return o; }
    public static void main(String[] args) {
        Integer a = 127, b = 127, c = 128, d = 128;
        System.out.println((a == b) + " " + (c == d) + " " + c.equals(d) + " " + (c.intValue() == d));
        Long l = 5L; Double x = 2.0; Character ch = 'x'; Boolean t = true;
        System.out.println(l + x + " " + (char) (ch + 1) + " " + !t + " " + sum(1, 2, 3, 4) + " " + sum());
        Object[] objs = { 1, 2L, 3.0, 4.0f, 'c', true, "s", null };
        for (Object o : objs) System.out.print((o instanceof Integer ? "I" : o instanceof Long ? "L" : o instanceof Double ? "D" : o instanceof Float ? "F" : o instanceof Character ? "C" : o instanceof Boolean ? "Z" : o instanceof String ? "S" : "null") + " ");
        System.out.println();
        Integer n = null; try { int v = n; } catch (NullPointerException e) { System.out.println("unbox npe"); }
        System.out.println(id(42) + " " + id(4.5f) + " " + Integer.valueOf(77).hashCode() + " " + Boolean.valueOf(false) + " " + Double.valueOf(0.5).intValue());
        System.out.println(Integer.compare(3, 7) + " " + Long.compare(7, 3) + " " + Boolean.compare(true, false));
    }
}
