using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Audit;

/// <summary>
/// A signed audit checkpoint, or anything else the checkpoint key signs, is never a credential: not to a tool that
/// trusts the token JWKS, not to introspection, not as a subject or actor token (RFC 8725 §3.12: different keys for
/// different kinds of JWTs).
/// </summary>
public sealed class CheckpointKeySeparationTests : BrokerTest
{
    protected override string Configuration => TestBroker.Configuration + "\n" + AuditCheckpointServerTests.CheckpointConfiguration;

    [Fact]
    public async Task Invariant1_AccessTokenSignedWithTheCheckpointKey_DoesNotVerifyWithTheTokenJwksAndIsInactive()
    {
        var issued = await Broker.IssueAsync();
        var checkpointKey = Broker.Runtime.CheckpointKeys!.Current.Active;
        // Same header (typ at+jwt) and claims as a real credential: only the key differs, so only key separation refuses it.
        var forged = ForgedRunTokens.Resign(issued, _ => { }, checkpointKey.Ecdsa, checkpointKey.Kid);

        var validation = await IssuedTokens.ValidateWithJwksAsync(Broker, forged, Refunds);
        var introspection = await Broker.IntrospectAsync(forged, Broker.Svid(RefundsWorkload));

        Assert.False(validation.IsValid);
        Assert.IsType<Microsoft.IdentityModel.Tokens.SecurityTokenSignatureKeyNotFoundException>(validation.Exception);
        IntrospectionReply.AssertInactive(introspection);
    }

    [Fact]
    public async Task Invariant7_CheckpointPresentedAsRunToken_ReturnsInvalidRequestAndIssuesNothing()
    {
        var checkpoint = await WriteCheckpointAsync();

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.ExchangeAsync(Broker.InRunRequest(checkpoint)));

        // The token keys do not hold the checkpoint key's kid (RunTokenValidator looks the kid up in them alone).
        Expect.Refused(reply, "invalid_request", "subject_token is not signed by this broker's keys; run tokens come only from Mandate");
        Assert.DoesNotContain(checkpoint, reply.Body, StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_CheckpointPresentedAsUserSubjectToken_ReturnsInvalidRequestAndIssuesNothing()
    {
        var checkpoint = await WriteCheckpointAsync();

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = checkpoint }));

        Expect.Refused(reply, "invalid_request", "subject_token was issued by this broker", "credentials for tools are never subject or actor tokens");
        Assert.DoesNotContain(checkpoint, reply.Body, StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_CheckpointPresentedAsActorToken_ReturnsInvalidRequestAndIssuesNothing()
    {
        var checkpoint = await WriteCheckpointAsync();

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = checkpoint }));

        Expect.Refused(reply, "invalid_request", "actor_token was issued by this broker", "credentials for tools are never subject or actor tokens");
        Assert.DoesNotContain(checkpoint, reply.Body, StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }

    /// <summary>Has the broker sign a checkpoint and returns its JWS, as a verifier would read it from the checkpoint file.</summary>
    private async Task<string> WriteCheckpointAsync()
    {
        using (var admin = Broker.Admin())
        {
            await admin.WriteAuditCheckpointAsync();
        }

        var line = Assert.Single(await File.ReadAllLinesAsync(Path.Combine(Broker.Directory, "checkpoints", "audit.jsonl")));
        using var json = System.Text.Json.JsonDocument.Parse(line);
        return json.RootElement.GetProperty("jws").GetString()!;
    }
}
