using Mandate.Fuzz.Running;

namespace Mandate.Fuzz.Tests;

/// <summary>One broker and one set of targets for all fuzz tests in the class.</summary>
public sealed class FuzzSuiteFixture : IAsyncLifetime
{
    private FuzzSuite? _suite;

    internal FuzzSuite Suite => _suite ?? throw new InvalidOperationException("the fuzz suite is not started");

    public async Task InitializeAsync() => _suite = await FuzzSuite.StartAsync();

    public async Task DisposeAsync()
    {
        if (_suite is not null)
        {
            await _suite.DisposeAsync();
        }
    }
}
