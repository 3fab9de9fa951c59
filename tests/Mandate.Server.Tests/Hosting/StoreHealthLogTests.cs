using Mandate.Core.Storage;
using Mandate.Server.Hosting;

namespace Mandate.Server.Tests.Hosting;

public sealed class StoreHealthLogTests
{
    [Fact]
    public void Describe_CannotOpen_IsTrueOfEveryStore()
    {
        // PostgreSQL reports a refused or terminated connection as CannotOpen too: no file is involved there.
        var cause = StoreHealthLog.Describe(StoreFailureCause.CannotOpen);

        Assert.Equal("cannot be opened or reached", cause);
        Assert.DoesNotContain("file", cause, StringComparison.Ordinal);
    }
}
