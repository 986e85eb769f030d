// expect: LambdaMetafactory.metafactory is not supported
public class UsesLambda {
    interface F { int apply(int x); }
    public static void main(String[] args) { F f = x -> x + 1; System.out.println(f.apply(1)); }
}
