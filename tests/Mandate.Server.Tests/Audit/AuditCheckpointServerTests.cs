using System.Net;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Server.Endpoints;
using Mandate.Server.Tests.Harness;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Audit;

/// <summary>A broker with <c>audit.checkpoints</c>: the admin socket writes checkpoints that verify with the keys at <c>/audit/jwks</c> (<see cref="AuditJwksTests"/>).</summary>
public sealed class AuditCheckpointServerTests
{
    internal const string CheckpointConfiguration = "audit:\n  checkpoints:\n    file: checkpoints/audit.jsonl\n    interval: 5m\n";

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
        var published = new JsonWebKeySet(await broker.Http.GetStringAsync(new Uri(AuditJwksEndpoint.Path, UriKind.Relative)));
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
