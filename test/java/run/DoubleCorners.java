public class DoubleCorners {
    public static void main(String[] args) {
        double pz = 0.0, nz = -0.0, nan = Double.NaN, inf = Double.POSITIVE_INFINITY;
        System.out.println((pz == nz) + " " + (1 / pz) + " " + (1 / nz) + " " + Double.compare(pz, nz) + " " + Math.min(pz, nz) + " " + (pz + nz) + " " + (nz + nz));
        System.out.println((nan == nan) + " " + (nan < 0) + " " + (nan >= 0) + " " + Double.isNaN(nan * 0) + " " + (inf - inf) + " " + (inf * 0) + " " + (-inf) + " " + (inf / inf));
        System.out.println(Math.sqrt(-1) + " " + Math.log(0) + " " + Math.log(-1) + " " + Math.pow(0, 0) + " " + Math.pow(-8, 1.0 / 3) + " " + Math.exp(710) + " " + Math.floor(-0.5) + " " + Math.ceil(-0.5));
        System.out.println(Double.MIN_VALUE / 2 + " " + Double.MAX_VALUE * 2 + " " + (float) Double.MAX_VALUE + " " + (double) Float.MIN_VALUE);
        float fnan = Float.NaN; System.out.println((fnan != fnan) + " " + (int) fnan + " " + Float.compare(fnan, 1f) + " " + Math.max(fnan, 1f) + " " + Float.isInfinite(1f / 0));
        double[] xs = { 1.5, 2.5, -1.5, -2.5, 0.5, -0.5, 1e16 + 1, 4503599627370497.0 };
        for (double x : xs) System.out.print(Math.round(x) + ":" + Math.rint(x) + " ");
        System.out.println();
        System.out.println(Double.doubleToLongBits(nz) + " " + Double.doubleToLongBits(nan) + " " + Float.floatToIntBits(-0f) + " " + Double.valueOf(nz).equals(pz) + " " + Double.valueOf(nan).equals(nan));
        System.out.println(Math.abs(-0.0) + " " + Math.abs(Float.NEGATIVE_INFINITY) + " " + Math.signum(-3.5) + " " + Math.hypot(3, 4) + " " + Math.cbrt(27) + " " + Math.atan2(1, 1) * 4);
        System.out.println(Double.parseDouble("1e-3") + " " + Double.parseDouble("  -12.5  ") + " " + Float.parseFloat("3.25") + " " + Double.parseDouble("Infinity"));
    }
}
