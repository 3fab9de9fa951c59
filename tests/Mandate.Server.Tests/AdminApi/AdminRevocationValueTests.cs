using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.AdminApi;

/// <summary>
/// Invariant 5 on the admin socket: a revocation's value is an identity value copied into the audit record, so it is
/// held to the rule every identity value from a token is (no control, format or separator characters).
/// </summary>
[Trait("Invariant", "5")]
public sealed class AdminRevocationValueTests : BrokerTest
{
    [Theory]
    [InlineData("alice\\r\\nkind=issuance")]
    [InlineData("alice\\u0007")]
    [InlineData("ecila\\u202Eevil")]
    [InlineData("al\\u200Bice")]
    public async Task Invariant5_RevocationValueWithControlOrFormatCharacters_Returns400ProblemAndChangesNothing(string escaped)
    {
        var body = $$"""{"target":"user","value":"{{escaped}}","reason":"probe"}""";

        var reply = await Broker.AssertAuditUnchangedAsync(() => AdminSocket.SendAsync(Broker, HttpMethod.Post, "admin/revocations", body));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal("admin.revocation_invalid", reply.Json.GetProperty("check_id").GetString());
        Assert.StartsWith("value must be 1 to 2048 characters with no control characters", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("token,run")]
    [InlineData(" tenant ")]
    [InlineData("Tokens")]
    public async Task Invariant7_RevocationTargetNotOneOfTheFiveNames_Returns400ProblemAndChangesNothing(string target)
    {
        // An enum parse took "1" for agent and "token,run" for run: a malformed request revoked something else.
        var body = $$"""{"target":"{{target}}","value":"acme","reason":"probe"}""";

        var reply = await Broker.AssertAuditUnchangedAsync(() => AdminSocket.SendAsync(Broker, HttpMethod.Post, "admin/revocations", body));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("admin.revocation_invalid", reply.Json.GetProperty("check_id").GetString());
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    [Theory]
    [InlineData(" spiffe://acme.example/agents/support")]
    [InlineData("spiffe://acme.example/agents/support ")]
    [InlineData("spiffe://acme.example/agents/support/")]
    [InlineData("support")]
    public async Task Invariant6_AgentRevocationValueNotASpiffeId_Returns400ProblemInsteadOfAKillSwitchThatMatchesNoAgent(string agent)
    {
        var body = System.Text.Json.JsonSerializer.Serialize(new { target = "agent", value = agent, reason = "incident" });

        var reply = await Broker.AssertAuditUnchangedAsync(() => AdminSocket.SendAsync(Broker, HttpMethod.Post, "admin/revocations", body));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("admin.revocation_invalid", reply.Json.GetProperty("check_id").GetString());
        Assert.Contains("SPIFFE ID", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("run")]
    [InlineData("user")]
    [InlineData("tenant")]
    public async Task Invariant8_RevocationValueIsAWholeToken_Returns400ProblemNeverRecordedNorEchoed(string target)
    {
        // A credential pasted where its id goes would be copied into the audit record, which the hash chain keeps for good.
        var credential = await Broker.IssueAsync(Broker.RefundRequest());
        var body = System.Text.Json.JsonSerializer.Serialize(new { target, value = credential, reason = "incident" });

        var reply = await Broker.AssertAuditUnchangedAsync(() => AdminSocket.SendAsync(Broker, HttpMethod.Post, "admin/revocations", body));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("admin.revocation_invalid", reply.Json.GetProperty("check_id").GetString());
        Assert.Contains("whole token", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(credential, reply.Json.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(credential, await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }
}
