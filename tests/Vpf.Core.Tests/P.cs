public class P { [Fact] public void One() => Assert.Equal(2, 1 + 1); }
