public class Closures {
    // Event handlers as objects, the way a VIFlet composes policies without lambdas.
    interface Rule { boolean match(int port); String name(); }
    static class Range implements Rule { final int lo, hi; Range(int lo, int hi) { this.lo = lo; this.hi = hi; } public boolean match(int p) { return p >= lo && p <= hi; } public String name() { return "range" + lo + "-" + hi; } }
    static class Exact implements Rule { final int port; Exact(int p) { port = p; } public boolean match(int p) { return p == port; } public String name() { return "port" + port; } }
    static class Not implements Rule { final Rule r; Not(Rule r) { this.r = r; } public boolean match(int p) { return !r.match(p); } public String name() { return "!" + r.name(); } }
    public static void main(String[] args) {
        Rule[] rules = { new Exact(22), new Range(80, 90), new Not(new Range(0, 1023)) };
        int[] ports = { 22, 80, 85, 443, 8080, 53, 1023, 1024 };
        for (int p : ports) { String hit = "none"; for (Rule r : rules) if (r.match(p)) { hit = r.name(); break; } System.out.print(p + ":" + hit + " "); }
        System.out.println();
        int[] counts = new int[rules.length + 1];
        for (int p = 0; p < 65536; p += 13) { int k = rules.length; for (int i = 0; i < rules.length; i++) if (rules[i].match(p)) { k = i; break; } counts[k]++; }
        for (int n : counts) System.out.print(n + " ");
        System.out.println();
    }
}
