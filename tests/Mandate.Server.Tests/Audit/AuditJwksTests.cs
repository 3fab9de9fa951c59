using System.Net;
using System.Text.Json;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Server.Endpoints;
using Mandate.Server.Tests.Harness;
using Microsoft.IdentityModel.Tokens;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Audit;

/// <summary>
/// The audit checkpoint keys have a key set of their own at <c>/audit/jwks</c>; the token JWKS at <c>jwks_uri</c>, which
/// every relying party of Mandate's tokens trusts, holds none of them (RFC 8725 §3.12).
/// </summary>
public sealed class AuditJwksTests
{
    private const string CheckpointConfiguration = AuditCheckpointServerTests.CheckpointConfiguration;

    [Fact]
    public async Task Jwks_CheckpointsOn_HoldsTheTokenKeysAndNoCheckpointKey()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: CheckpointConfiguration);

        var tokenKeys = await KeysAsync(broker, MetadataEndpoints.JwksPath);

        Assert.Equal([broker.Runtime.Keys.Current.Active.Kid], tokenKeys.Select(k => k.Kid));
        AssertHoldsNoCheckpointKey(broker, tokenKeys);
    }

    [Fact]
    public async Task AuditJwks_CheckpointsOn_HoldsEveryCheckpointKeyAndNoTokenOrFederationKey()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: CheckpointConfiguration);
        var federationKeys = await KeysAsync(broker, FederationEndpoints.JwksPath);

        using var response = await broker.Http.GetAsync(new Uri(AuditJwksEndpoint.Path.TrimStart('/'), UriKind.Relative));
        var keys = new JsonWebKeySet(await response.Content.ReadAsStringAsync()).Keys;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=60", response.Headers.CacheControl?.ToString());
        var stored = await AuditCheckpointKeys.FromStoreAsync(broker.Runtime.Store, CancellationToken.None);
        Assert.Equal(stored.Keys.Order(StringComparer.Ordinal), keys.Select(k => k.Kid).Order(StringComparer.Ordinal));
        Assert.Contains(broker.Runtime.CheckpointKeys!.Current.Active.Kid, keys.Select(k => k.Kid));
        Assert.All(keys, k => Assert.Equal(("EC", "ES256", "sig", false), (k.Kty, k.Alg, k.Use, k.HasPrivateKey)));
        Assert.DoesNotContain(keys, k => broker.Runtime.Keys.Current.ByKid.ContainsKey(k.Kid));
        Assert.DoesNotContain(keys, k => federationKeys.Any(f => f.Kid == k.Kid));
    }

    [Fact]
    public async Task AuditJwks_CheckpointKeyRotated_HoldsTheOldAndNewKeys_TheTokenJwksNeither()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: CheckpointConfiguration);
        var ring = broker.Runtime.CheckpointKeys!;
        var oldKid = ring.Current.Active.Kid;

        broker.Clock.Advance(RotateEvery);
        await ring.RefreshAsync(CancellationToken.None);
        broker.Clock.Advance(PublishAhead);
        await ring.RefreshAsync(CancellationToken.None);

        var newKid = ring.Current.Active.Kid;
        Assert.NotEqual(oldKid, newKid);
        var published = (await KeysAsync(broker, AuditJwksEndpoint.Path)).Select(k => k.Kid).ToList();
        Assert.Contains(oldKid, published);
        Assert.Contains(newKid, published);
        AssertHoldsNoCheckpointKey(broker, await KeysAsync(broker, MetadataEndpoints.JwksPath));
    }

    [Fact]
    public async Task AuditJwks_CheckpointWrittenByTheBroker_VerifiesWithTheSavedDocumentAndNotWithTheTokenJwks()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: CheckpointConfiguration);
        using (var admin = broker.Admin())
        {
            await admin.WriteAuditCheckpointAsync();
        }

        var checkpoints = Path.Combine(broker.Directory, "checkpoints", "audit.jsonl");
        var saved = Path.Combine(broker.Directory, "audit-jwks.json");
        await File.WriteAllTextAsync(saved, await broker.Http.GetStringAsync(new Uri(AuditJwksEndpoint.Path.TrimStart('/'), UriKind.Relative)));

        var verified = await AuditCheckpointFile.ReadAsync(checkpoints, ByKid(new JsonWebKeySet(await File.ReadAllTextAsync(saved)).Keys), broker.Options.Issuer, CancellationToken.None);
        var withTokenKeys = await AuditCheckpointFile.ReadAsync(checkpoints, ByKid(await KeysAsync(broker, MetadataEndpoints.JwksPath)), broker.Options.Issuer, CancellationToken.None);

        Assert.Null(verified.Refusal);
        Assert.Single(verified.Checkpoints);
        Assert.Contains("unknown checkpoint key 'audit-checkpoint-", withTokenKeys.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditJwks_CheckpointsOff_AnswersAnEmptyKeySet()
    {
        await using var broker = await BrokerHarness.StartAsync();

        using var response = await broker.Http.GetAsync(new Uri(AuditJwksEndpoint.Path.TrimStart('/'), UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"keys":[]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metadata_CheckpointsOnOrOff_NamesTheAuditJwksOnlyWhenOn()
    {
        await using var on = await BrokerHarness.StartAsync(extraConfiguration: CheckpointConfiguration);
        await using var off = await BrokerHarness.StartAsync();

        using var withCheckpoints = JsonDocument.Parse(await on.Http.GetStringAsync(new Uri(MetadataEndpoints.MetadataPath.TrimStart('/'), UriKind.Relative)));
        using var without = JsonDocument.Parse(await off.Http.GetStringAsync(new Uri(MetadataEndpoints.MetadataPath.TrimStart('/'), UriKind.Relative)));

        Assert.Equal(Issuer + AuditJwksEndpoint.Path, withCheckpoints.RootElement.GetProperty("mandate_audit_jwks_uri").GetString());
        Assert.Equal(Issuer + MetadataEndpoints.JwksPath, withCheckpoints.RootElement.GetProperty("jwks_uri").GetString());
        Assert.False(without.RootElement.TryGetProperty("mandate_audit_jwks_uri", out _));
    }

    /// <summary>No kid of the checkpoint kind and, whatever its kid, no key with a checkpoint key's public point.</summary>
    internal static void AssertHoldsNoCheckpointKey(BrokerHarness broker, IEnumerable<JsonWebKey> keys)
    {
        var checkpointPoints = broker.Runtime.CheckpointKeys!.Current.Stored.Select(k => new JsonWebKey(k.PublicJwk)).Select(k => (k.X, k.Y)).ToHashSet();
        Assert.NotEmpty(checkpointPoints);
        Assert.All(keys, k =>
        {
            Assert.DoesNotContain(AuditCheckpoint.KidPrefix, k.Kid, StringComparison.Ordinal);
            Assert.DoesNotContain((k.X, k.Y), checkpointPoints);
        });
    }

    internal static async Task<IList<JsonWebKey>> KeysAsync(BrokerHarness broker, string path) =>
        new JsonWebKeySet(await broker.Http.GetStringAsync(new Uri(path.TrimStart('/'), UriKind.Relative))).Keys;

    private static Dictionary<string, JsonWebKey> ByKid(IEnumerable<JsonWebKey> keys) => keys.ToDictionary(k => k.Kid, StringComparer.Ordinal);
}
