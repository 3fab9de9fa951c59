using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Policy;

/// <summary>Policy updates: a valid file takes over atomically and is audited; an invalid one never replaces the policy in force.</summary>
public sealed class PolicyReloadTests : BrokerTest
{
    private const string ResearchWritesCrm = """

          - id: research-writes-crm
            reason: Research agents may now correct CRM records.
            effect: allow
            agents: ["spiffe://acme.example/agents/research/*"]
            tools: [crm]
            scopes: [crm:write]
        """;

    [Fact]
    public async Task Policy_InvalidUpdate_OldVersionKeepsDecidingAndNothingIsRecorded()
    {
        var before = Broker.Runtime.Policy.Current.Version;
        // The update would grant research crm:write, but one key is misspelled, so none of it applies.
        await Broker.WritePolicyAsync(TestBroker.Policy + ResearchWritesCrm + "\n    tenants: any\n");

        var result = await Broker.Runtime.Policy.ReloadAsync();
        var write = await Broker.ExchangeAsync(ResearchRequest("crm:write"));
        var refund = await Broker.IssueAsync();

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.ToString().Contains("unknown key 'tenants'", StringComparison.Ordinal));
        Assert.Equal(before, Broker.Runtime.Policy.Current.Version);
        Expect.Refused(write, "invalid_scope", "'research-reads-crm'", before);
        Assert.Equal(before, IssuedTokens.Read(refund).GetPayloadValue<string>("pol"));
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.PolicyLoaded));
        // The operator hears of it where the broker's logs go, not only when asking for a reload.
        Assert.Contains(Broker.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("keeping " + before, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("rules:\n  - id: [unclosed\n")]
    [InlineData("rules:\n  - id: x\n    effect: permit\n")]
    public async Task Policy_BrokenFile_OldVersionStaysInForce(string broken)
    {
        var before = Broker.Runtime.Policy.Current.Version;
        await Broker.WritePolicyAsync(broken);

        var result = await Broker.Runtime.Policy.ReloadAsync();
        var token = await Broker.IssueAsync();

        Assert.False(result.IsValid);
        Assert.Equal(before, IssuedTokens.Read(token).GetPayloadValue<string>("pol"));
    }

    [Fact]
    public async Task Policy_ValidUpdate_NewVersionDecidesAndPolicyLoadedIsRecordedFirst()
    {
        var before = Broker.Runtime.Policy.Current.Version;
        var text = TestBroker.Policy + ResearchWritesCrm;
        await Broker.WritePolicyAsync(text);

        var result = await Broker.Runtime.Policy.ReloadAsync();
        var token = await Broker.IssueAsync(ResearchRequest("crm:write"));

        var after = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        Assert.True(result.IsValid);
        Assert.NotEqual(before, after);
        Assert.Equal(after, IssuedTokens.Read(token).GetPayloadValue<string>("pol"));
        var loads = await Broker.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.PolicyLoaded });
        Assert.Equal(2, loads.Count);
        Assert.Equal(after, loads[1].Event.PolicyVersion);
        Assert.Equal(before, loads[1].Event.Evidence["previous_version"]);
        var issuance = (await Broker.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.Issuance })).Single();
        Assert.True(loads[1].Sequence < issuance.Sequence, "the new version was recorded before it issued anything");
    }

    [Fact]
    public async Task Policy_ReloadOfUnchangedFile_RecordsNothing()
    {
        var result = await Broker.Runtime.Policy.ReloadAsync();
        await Broker.IssueAsync();

        Assert.True(result.IsValid);
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.PolicyLoaded));
    }

    [Fact]
    public async Task Policy_UpdateAllowingBackgroundWork_IssuesWithTheAgentAsSubject()
    {
        await Broker.WritePolicyAsync(TestBroker.Policy + """

              - id: support-nightly-refund-audit
                reason: The support agent reads refunds for its tenants at night, with no user present.
                effect: allow
                agents: ["spiffe://acme.example/agents/support"]
                tools: [refunds]
                scopes: [refunds:read]
                subject: agent
                tenant: [acme]
            """);
        Assert.True((await Broker.Runtime.Policy.ReloadAsync()).IsValid);
        var support = Broker.Svid(SupportAgent);

        var token = await Broker.IssueAsync(Broker.RefundRequest() with { ActorToken = support, SubjectToken = support, Tenant = "acme", Scope = "refunds:read" });
        var globex = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = support, SubjectToken = support, Tenant = "globex", Scope = "refunds:read" });

        var jwt = IssuedTokens.Read(token);
        Assert.Equal(SupportAgent, jwt.Subject);
        Assert.Equal("acme", jwt.GetPayloadValue<string>("tenant"));
        Expect.Refused(globex, "invalid_target", "'support-nightly-refund-audit'", "globex");
        var introspected = await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload));
        Assert.True(IntrospectionReply.Active(introspected));
        Assert.Equal(SupportAgent, introspected.Json.GetProperty("sub").GetString());
    }

    private ExchangeRequest ResearchRequest(string scope) => new()
    {
        ActorToken = Broker.Svid(ResearchAgent),
        SubjectToken = Broker.UserToken(),
        Resource = Crm,
        Scope = scope,
    };
}
