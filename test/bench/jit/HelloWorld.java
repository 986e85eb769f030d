// The seed's Table 6.2 HelloWorld: compile cost of a program that only prints.
public class HelloWorld {
    public static void main(String[] args) {
        System.out.println("Hello, world!");
    }
}
