using Mandate.Core.Storage;
using Mandate.Server.Hosting;

namespace Mandate.Server.Tests.Hosting;

public sealed class StoreHealthLogTests
{
    [Fact]
    public void Describe_CannotOpen_IsTrueOfEveryStore()
    {
        // PostgreSQL reports refused credentials or a missing database as CannotOpen too: no file is involved there.
        var cause = StoreHealthLog.Describe(StoreFailureCause.CannotOpen);

        Assert.Equal("cannot be opened as configured", cause);
        Assert.DoesNotContain("file", cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_Unreachable_SaysTheServerTakesNoConnectionsNow()
    {
        Assert.Equal("cannot be reached or takes no connections now", StoreHealthLog.Describe(StoreFailureCause.Unreachable));
    }
}
