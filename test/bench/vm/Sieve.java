// The Sieve benchmark (seed VI.2.1.1, Figure 6.4): iterations of the sieve of
// Eratosthenes over 8191 flags in a fixed number of rounds; prints the prime count and ms.
public class Sieve {
    static int sieve(boolean[] flags) {
        int count = 0;
        int size = flags.length - 1;
        for (int i = 0; i <= size; i++) flags[i] = true;
        for (int i = 2; i <= size; i++) {
            if (flags[i]) {
                for (int k = i + i; k <= size; k += i) flags[k] = false;
                count++;
            }
        }
        return count;
    }
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        boolean[] flags = new boolean[8191 + 1];
        int c = 0;
        long t0 = System.nanoTime();
        for (int r = 0; r < rounds; r++) c = sieve(flags);
        long t1 = System.nanoTime();
        System.out.println("primes " + c + " ms " + (t1 - t0) / 1000000);
    }
}
