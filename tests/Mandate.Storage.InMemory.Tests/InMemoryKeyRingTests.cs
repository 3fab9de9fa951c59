using System.Security.Cryptography;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Xunit;

namespace Mandate.Storage.InMemory.Tests;

/// <summary>The RS256 token keys on the in-memory reference store: one key per node, both published, each creation audited.</summary>
public sealed class InMemoryKeyRingTests
{
    private static readonly MandateOptions Options = new() { Node = "node-a" };

    [Fact]
    public async Task RsaTokenKeyRing_TwoNodes_EachCreatesItsOwnKeyAndPublishesBoth()
    {
        await using var store = new InMemoryMandateStore();
        using var kek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        using var a = new RsaTokenKeyRing(store, kek, Options, TimeProvider.System);
        using var b = new RsaTokenKeyRing(store, kek, Options with { Node = "node-b" }, TimeProvider.System);

        var first = await a.RefreshAsync(CancellationToken.None);
        var second = await b.RefreshAsync(CancellationToken.None);
        var reloaded = await a.ReloadAsync(CancellationToken.None);

        Assert.NotEqual(first.Active.Kid, second.Active.Kid);
        Assert.Equal(new[] { first.Active.Kid, second.Active.Kid }.Order(StringComparer.Ordinal), reloaded.Published.Select(k => k.Kid).Order(StringComparer.Ordinal));
        Assert.All(reloaded.Published, k => Assert.Equal(("RSA", "RS256", false), (k.Kty, k.Alg, k.HasPrivateKey)));
        var records = new List<AuditEvent>();
        await foreach (var record in store.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.KeyRotation }, CancellationToken.None))
        {
            records.Add(record.Event);
        }

        Assert.Equal(["node-a", "node-b"], records.Select(r => r.Node));
        Assert.All(records, r => Assert.Equal((KeyPurposes.TokenSigningRs256, "created"), (r.Evidence["purpose"], r.Outcome)));
    }
}
