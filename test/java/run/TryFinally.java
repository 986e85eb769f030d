public class TryFinally {
    static StringBuilder log = new StringBuilder();
    static int level3(int x) { try { if (x > 2) throw new IllegalArgumentException("x=" + x); return x; } finally { log.append("f3 "); } }
    static int level2(int x) { try { return level3(x) * 10; } catch (IllegalStateException e) { return -1; } finally { log.append("f2 "); } }
    static int level1(int x) { try { return level2(x); } catch (RuntimeException e) { log.append("c1:" + e.getMessage() + " "); return -2; } finally { log.append("f1 "); } }
    static int loop() { int r = 0; for (int i = 0; i < 5; i++) { try { if (i == 1) continue; if (i == 3) break; r += i; } finally { r += 100; } } return r; }
    static String nested() {
        StringBuilder sb = new StringBuilder();
        try { try { try { throw new ArithmeticException("deep"); } finally { sb.append("a"); } } catch (NullPointerException e) { sb.append("wrong"); } finally { sb.append("b"); } }
        catch (ArithmeticException e) { sb.append("c:" + e.getMessage()); } finally { sb.append("d"); }
        return sb.toString();
    }
    static int rethrow() { try { try { throw new RuntimeException("one"); } catch (RuntimeException e) { throw new IllegalStateException("two", e); } } catch (IllegalStateException e) { return e.getCause().getMessage().length(); } }
    public static void main(String[] args) {
        System.out.println(level1(1) + " " + level1(5) + " " + log);
        System.out.println(loop() + " " + nested() + " " + rethrow());
        int count = 0; for (int i = 0; i < 1000; i++) { try { if (i % 7 == 0) throw new RuntimeException(); count++; } catch (RuntimeException e) { count += 2; } } System.out.println(count);
    }
}
