using Mandate.Core.Policy;

namespace Mandate.Core.Tests.Stages;

/// <summary>The stage fixture with a policy of the test class's own, loaded from a file as the broker loads it.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync")]
public abstract class PolicyStageTest : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private PolicyProvider? _provider;

    /// <summary>The policy file's text.</summary>
    protected abstract string Policy { get; }

    /// <summary>The stages' store, clock and identities, migrated in <see cref="InitializeAsync"/>.</summary>
    private protected StageFixture F { get; private set; } = new();

    private protected PolicyProvider Provider => _provider ?? throw new InvalidOperationException("loaded in InitializeAsync");

    public async Task InitializeAsync()
    {
        F = await F.MigrateAsync();
        await File.WriteAllTextAsync(_dir.File("policy.yaml"), Policy);
        _provider = PolicyProvider.Load(_dir.File("policy.yaml"), F.Clock);
    }

    public async Task DisposeAsync()
    {
        _provider?.Dispose();
        await F.DisposeAsync();
        _dir.Dispose();
    }
}
