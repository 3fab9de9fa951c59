using System.Text.Json;
using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// A broker with signed audit checkpoints: the tool reads the token JWKS through <c>jwks_uri</c>, which holds no
/// checkpoint key (they are at <c>/audit/jwks</c>), so nothing the checkpoint key signs is a credential to it
/// (RFC 8725 §3.12: different keys for different kinds of JWTs).
/// </summary>
public sealed class CheckpointKeyTests : ToolTest
{
    protected override string ExtraBrokerConfiguration => "\naudit:\n  checkpoints:\n    file: checkpoints/audit.jsonl\n";

    [Fact]
    public async Task Invariant1_CredentialReSignedWithTheCheckpointKey_IsRefused401InvalidToken()
    {
        var good = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        // Same claims and typ (at+jwt) as a credential the broker issued: only the key differs.
        var forged = Harness.Forge(good, _ => { }, key: Harness.Broker.Runtime.CheckpointKeys!.Current.Active.Credentials);

        var reply = await Refunds.PostAsync("/refunds", forged, RefundBody);

        CredentialValidationTests.AssertInvalidToken(reply, "the credential's signing key (kid) is not in the broker's JWKS");
    }

    [Fact]
    public async Task Invariant7_SignedCheckpointPresentedAsBearerToken_IsRefused401InvalidToken()
    {
        using (var admin = Harness.Admin())
        {
            await admin.WriteAuditCheckpointAsync();
        }

        var line = Assert.Single(await File.ReadAllLinesAsync(Path.Combine(Harness.Directory, "checkpoints", "audit.jsonl")));
        using var json = JsonDocument.Parse(line);

        var reply = await Refunds.PostAsync("/refunds", json.RootElement.GetProperty("jws").GetString()!, RefundBody);

        CredentialValidationTests.AssertInvalidToken(reply, null);
    }
}
