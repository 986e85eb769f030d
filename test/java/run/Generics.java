public class Generics {
    interface Visitor<R> { R visitNum(int n); R visitAdd(Expr a, Expr b); }
    interface Expr { <R> R accept(Visitor<R> v); }
    static class Num implements Expr { final int n; Num(int n) { this.n = n; } public <R> R accept(Visitor<R> v) { return v.visitNum(n); } }
    static class Add implements Expr { final Expr a, b; Add(Expr a, Expr b) { this.a = a; this.b = b; } public <R> R accept(Visitor<R> v) { return v.visitAdd(a, b); } }
    static class Box<T extends Comparable<T>> { T v; Box(T v) { this.v = v; } T max(T o) { return v.compareTo(o) >= 0 ? v : o; } }
    static class Pair<A, B> { final A a; final B b; Pair(A a, B b) { this.a = a; this.b = b; } public String toString() { return "(" + a + ", " + b + ")"; } }
    static <T> T first(T[] arr) { return arr.length > 0 ? arr[0] : null; }
    static class Stack<T> { private Object[] items = new Object[2]; private int n;
        void push(T t) { if (n == items.length) { Object[] m = new Object[n * 2]; System.arraycopy(items, 0, m, 0, n); items = m; } items[n++] = t; }
        @SuppressWarnings("unchecked") T pop() { T t = (T) items[--n]; items[n] = null; return t; } boolean isEmpty() { return n == 0; } }
    public static void main(String[] args) {
        Expr e = new Add(new Num(3), new Add(new Num(4), new Num(5)));
        int val = e.accept(new Visitor<Integer>() {
            public Integer visitNum(int n) { return n; }
            public Integer visitAdd(Expr a, Expr b) { return a.accept(this) + b.accept(this); } });
        String shown = e.accept(new Visitor<String>() {
            public String visitNum(int n) { return "" + n; }
            public String visitAdd(Expr a, Expr b) { return "(" + a.accept(this) + "+" + b.accept(this) + ")"; } });
        System.out.println(shown + " = " + val);
        System.out.println(new Box<>("pear").max("apple") + " " + new Box<>(3).max(7) + " " + new Pair<>("k", 2.5));
        System.out.println(first(new String[] { "x", "y" }) + " " + first(new Integer[0]));
        Stack<String> st = new Stack<>(); for (int i = 0; i < 10; i++) st.push("s" + i);
        StringBuilder sb = new StringBuilder(); while (!st.isEmpty()) sb.append(st.pop()); System.out.println(sb);
        Stack<Integer> si = new Stack<>(); si.push(1000); si.push(-5); int sum = si.pop() + si.pop(); System.out.println(sum);
    }
}
