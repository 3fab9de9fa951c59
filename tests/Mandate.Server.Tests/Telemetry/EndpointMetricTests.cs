using Mandate.Server.Telemetry;
using Mandate.Server.Tests.Approvals;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.SenderConstraint;
using Mandate.Testing;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>The counters of introspection, revocation, approval decisions and DPoP replays, and the alert gauges, read through the in-memory exporter.</summary>
public sealed class EndpointMetricTests : TelemetryTest
{
    private static readonly string[] Purposes = ["token-signing", "token-signing-rs256", "federation-signing", "audit-checkpoint"];

    protected override string Configuration => ApprovalTest.ApprovalConfiguration;

    protected override string Policy => ApprovalTest.ApprovalPolicy;

    [Fact]
    public async Task Introspections_CountedActiveInactiveAndRefusedByCheckId()
    {
        var token = await Broker.IssueAsync();
        Assert.True((await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload))).Json.GetProperty("active").GetBoolean());
        Assert.False((await Broker.IntrospectAsync("not-a-credential", Broker.Svid(RefundsWorkload))).Json.GetProperty("active").GetBoolean());
        var refused = await Broker.PostFormAsync("oauth2/introspect", [new("token", token)]);
        Assert.Equal("invalid_client", refused.Error);

        Assert.Equal(1, CountOf("mandate.introspections", SpanAttributes.Outcome, "active"));
        Assert.Equal(1, CountOf("mandate.introspections", SpanAttributes.Outcome, "inactive"));
        var refusal = Assert.Single(Points("mandate.introspections"), p => Tag(p, SpanAttributes.Outcome) == "refused");
        Assert.Equal(refused.Member("check_id"), Tag(refusal, SpanAttributes.CheckId));
        Assert.Equal("", Tag(Assert.Single(Points("mandate.introspections"), p => Tag(p, SpanAttributes.Outcome) == "active"), SpanAttributes.CheckId));
    }

    [Fact]
    public async Task Revocations_CountedRevokedAndRefusedByCheckId()
    {
        var token = await Broker.IssueAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Broker.RevokeAsync(token, Broker.Svid(SupportAgent))).Status);
        var refused = await Broker.PostFormAsync("oauth2/revoke", [new("token", token)]);
        Assert.Equal("invalid_client", refused.Error);

        Assert.Equal(1, CountOf("mandate.revocations", SpanAttributes.Outcome, "revoked"));
        var refusal = Assert.Single(Eventually(() => Points("mandate.revocations").Where(p => Tag(p, SpanAttributes.Outcome) == "refused").ToList()));
        Assert.Equal(refused.Member("check_id"), Tag(refusal, SpanAttributes.CheckId));
    }

    [Fact]
    public async Task ApprovalsDecided_CountedApprovedAndDenied_ARefusedDecisionIsNotCounted()
    {
        var approved = await AskAsync(ApprovalTest.BigRefund);
        var denied = await AskAsync(ApprovalTest.BigRefund.Replace("250", "300", StringComparison.Ordinal));
        Assert.NotEqual(approved, denied);
        using (var admin = Broker.Admin())
        {
            await admin.DecideApprovalAsync(approved, approve: true, "admin:carol", null);
            await admin.DecideApprovalAsync(denied, approve: false, "admin:carol", null);
            await Assert.ThrowsAsync<Mandate.Client.MandateErrorException>(() => admin.DecideApprovalAsync(denied, approve: true, "admin:dave", null));
        }

        Assert.Equal(1, CountOf("mandate.approvals.decided", SpanAttributes.Outcome, "approved"));
        Assert.Equal(1, CountOf("mandate.approvals.decided", SpanAttributes.Outcome, "denied"));
        Assert.Equal(2, Points("mandate.approvals.decided").Count);
    }

    private async Task<string> AskAsync(string details)
    {
        var ask = await Broker.PostFormAsync("oauth2/token", Broker.RefundRequest().ToForm().Append(new("authorization_details", details)));
        Assert.Equal("authorization_pending", ask.Error);
        return ask.Member("auth_req_id")!;
    }

    [Fact]
    public async Task DpopReplays_AtTheTokenEndpoint_CountedByWhere()
    {
        using var key = new DpopProofs();
        var proof = key.Create("POST", Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token", Broker.Now);
        Expect.Issued(await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof));

        Expect.Refused(await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof), "invalid_dpop_proof", "jti replay");

        Assert.Equal(1, CountOf("mandate.dpop.replays", RequestMetrics.DpopWhere, "token_endpoint"));
        Assert.Single(Points("mandate.dpop.replays"));
    }

    [Fact]
    public async Task Gauges_PolicyAgeAndSigningKeyAge_FollowTheClock_AReloadRestartsThePolicyAge()
    {
        Broker.Clock.Advance(TimeSpan.FromMinutes(10));

        Assert.True(Assert.Single(Points("mandate.policy.age")).GetGaugeLastValueDouble() >= 600);
        var key = Assert.Single(Points("mandate.signing_key.age"), p => Tag(p, KeyAndPolicyGauges.Purpose) == "token-signing");
        Assert.True(key.GetGaugeLastValueDouble() >= 600);
        Assert.All(Points("mandate.signing_key.age"), p => Assert.Contains(Tag(p, KeyAndPolicyGauges.Purpose), Purposes));

        var before = Broker.Runtime.Policy.Current.Version;
        await File.AppendAllTextAsync(Broker.Runtime.Policy.Path, "\n# reviewed again\n");
        await Broker.Runtime.Policy.ReloadAsync();
        Assert.NotEqual(before, Broker.Runtime.Policy.Current.Version);

        Assert.Equal(0, Assert.Single(Points("mandate.policy.age")).GetGaugeLastValueDouble());
    }
}
