using System.Net;
using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Server.Endpoints;
using Mandate.Server.Tests.Harness;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Audit;

/// <summary>A broker with <c>audit.checkpoints</c>: its JWKS publishes the checkpoint key and the admin socket writes checkpoints.</summary>
public sealed class AuditCheckpointServerTests
{
    private const string CheckpointConfiguration = "audit:\n  checkpoints:\n    file: checkpoints/audit.jsonl\n    interval: 5m\n";

    [Fact]
    public async Task Jwks_PublishesTheCheckpointKeyBesideTheTokenKey()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: CheckpointConfiguration);

        using var jwks = JsonDocument.Parse(await broker.Http.GetStringAsync(new Uri(MetadataEndpoints.JwksPath, UriKind.Relative)));

        var keys = jwks.RootElement.GetProperty("keys").EnumerateArray().ToList();
        var checkpointKey = Assert.Single(keys, k => k.GetProperty("kid").GetString()!.StartsWith(AuditCheckpoint.KidPrefix, StringComparison.Ordinal));
        Assert.Equal("sig", checkpointKey.GetProperty("use").GetString());
        Assert.Equal("ES256", checkpointKey.GetProperty("alg").GetString());
        Assert.Contains(keys, k => k.GetProperty("kid").GetString() == broker.Runtime.Keys.Current.Active.Kid);
    }

    [Fact]
    public async Task AdminCheckpoint_WritesASignedLineOfTheHead_ThenNothingUntilTheHeadMoves()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: CheckpointConfiguration);
        using var admin = broker.Admin();

        var first = await admin.WriteAuditCheckpointAsync();
        var again = await admin.WriteAuditCheckpointAsync();

        Assert.True(first.GetProperty("written").GetBoolean());
        Assert.False(again.GetProperty("written").GetBoolean());
        var head = (await AuditVerifier.VerifyAsync(broker.Runtime.Store, null, CancellationToken.None)).Head;
        Assert.Equal(head.Sequence, first.GetProperty("sequence").GetInt64());
        var line = Assert.Single(await File.ReadAllLinesAsync(Path.Combine(broker.Directory, "checkpoints", "audit.jsonl")));
        var published = new JsonWebKeySet(await broker.Http.GetStringAsync(new Uri(MetadataEndpoints.JwksPath, UriKind.Relative)));
        var reading = await AuditCheckpoint.VerifyAsync(line, published.Keys.ToDictionary(k => k.Kid, k => k), broker.Options.Issuer);
        Assert.Null(reading.Refusal);
        Assert.Equal(head, reading.Checkpoint!.Head);
    }

    [Fact]
    public async Task AdminCheckpoint_WhenCheckpointsAreOff_IsAProblemNotAFile()
    {
        await using var broker = await BrokerHarness.StartAsync();
        using var admin = broker.Admin();

        var refused = await Assert.ThrowsAsync<Mandate.Client.MandateErrorException>(() => admin.WriteAuditCheckpointAsync());

        Assert.Equal((int)HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("admin.checkpoints_off", refused.CheckId);
        Assert.False(Directory.Exists(Path.Combine(broker.Directory, "checkpoints")));
    }
}
