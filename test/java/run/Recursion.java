public class Recursion {
    static int ack(int m, int n) { return m == 0 ? n + 1 : n == 0 ? ack(m - 1, 1) : ack(m - 1, ack(m, n - 1)); }
    static long fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
    static void hanoi(int n, char a, char b, char c, StringBuilder out) { if (n == 0) return; hanoi(n - 1, a, c, b, out); out.append(a).append(c).append(' '); hanoi(n - 1, b, a, c, out); }
    static int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); }
    public static void main(String[] args) {
        System.out.println(ack(2, 3) + " " + fact(20) + " " + fact(21) + " " + depth(1000));
        StringBuilder sb = new StringBuilder(); hanoi(4, 'A', 'B', 'C', sb); System.out.println(sb);
    }
}
