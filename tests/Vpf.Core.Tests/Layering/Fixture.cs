// Two folders that call each other only from method bodies, for FolderDependencyTests.
namespace Vpf.Core.Tests.Layering.Fixture.Lower
{
    internal static class Down
    {
        public static int Call(int x) => x > 0 ? Upper.Up.Call(x - 1) : 0;
    }
}

namespace Vpf.Core.Tests.Layering.Fixture.Upper
{
    internal static class Up
    {
        public static int Call(int x) => x > 0 ? Lower.Down.Call(x - 1) : 1;
    }
}
