using System.Diagnostics;
using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Core.Telemetry;
using Mandate.Server.Telemetry;
using Mandate.Server.Tests.Approvals;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>Introspection, revocation and approval spans; and no span at all while telemetry is off.</summary>
public sealed class UseSpanTests : TelemetryTest
{
    protected override string Configuration => ApprovalTest.ApprovalConfiguration;

    protected override string Policy => ApprovalTest.ApprovalPolicy;

    [Fact]
    public async Task Introspection_SpanNamesTheCredentialAndItsHolder()
    {
        var token = await Broker.IssueAsync();
        using var agent = new TracedAgent();

        var reply = await agent.PostFormAsync(Broker, "oauth2/introspect", [new("token", token)], Broker.Svid(RefundsWorkload));

        Assert.True(reply.Json.GetProperty("active").GetBoolean(), reply.ToString());
        var span = SpanOf(agent, MandateSpan.Introspect);
        Assert.Equal(AuditKinds.Introspection, Tag(span, SpanAttributes.Kind));
        Assert.Equal(IssuedTokens.Read(token).Id, Tag(span, SpanAttributes.Jti));
        ExchangeSpanTests.AssertNothingSecret(span, token);
    }

    [Fact]
    public async Task Revocation_SpanNamesTheRevokedCredential()
    {
        var token = await Broker.IssueAsync();
        using var agent = new TracedAgent();

        var reply = await agent.PostFormAsync(Broker, "oauth2/revoke", [new("token", token)], Broker.Svid(SupportAgent));

        Assert.Equal(System.Net.HttpStatusCode.OK, reply.Status);
        var span = SpanOf(agent, MandateSpan.Revoke);
        Assert.Equal(AuditKinds.Revocation, Tag(span, SpanAttributes.Kind));
        Assert.Equal(IssuedTokens.Read(token).Id, Tag(span, SpanAttributes.Jti));
        ExchangeSpanTests.AssertNothingSecret(span, token);
    }

    [Fact]
    public async Task Approval_RequestIsAnApprovalSpanInTheAgentsTrace_DecisionIsOneToo()
    {
        using var agent = new TracedAgent();
        var ask = await agent.PostFormAsync(Broker, "oauth2/token", Broker.RefundRequest().ToForm().Append(new("authorization_details", ApprovalTest.BigRefund)));
        Assert.Equal("authorization_pending", ask.Error);
        var id = ask.Member("auth_req_id")!;

        var requested = SpanOf(agent, MandateSpan.Approval);
        Assert.Equal(AuditKinds.ApprovalRequested, Tag(requested, SpanAttributes.Kind));
        Assert.Equal("big-refunds-need-approval", Tag(requested, SpanAttributes.Rule));
        Assert.Equal(SupportAgent, Tag(requested, SpanAttributes.Agent));

        using (var admin = Broker.Admin())
        {
            await admin.DecideApprovalAsync(id, approve: true, "admin:carol", "checked the order");
        }

        // The decision is a trace of its own (on the admin socket), tagged from the record the approval transition commits.
        var decided = Assert.Single(Eventually(() => Spans(MandateSpan.Approval).Where(s => s.TraceId != agent.TraceId).ToList()));
        Assert.Equal("200", Tag(decided, "http.response.status_code"));
        AssertDecision(decided, requested, id, "approved");
    }

    [Fact]
    public async Task ApprovalDenied_DecisionSpanCarriesThePrincipalTheApproverAndTheOutcome()
    {
        using var agent = new TracedAgent();
        var ask = await agent.PostFormAsync(Broker, "oauth2/token", Broker.RefundRequest().ToForm().Append(new("authorization_details", ApprovalTest.BigRefund)));
        var id = ask.Member("auth_req_id")!;
        var requested = SpanOf(agent, MandateSpan.Approval);

        using (var admin = Broker.Admin())
        {
            await admin.DecideApprovalAsync(id, approve: false, "admin:carol", "not this order");
        }

        var decided = Assert.Single(Eventually(() => Spans(MandateSpan.Approval).Where(s => s.TraceId != agent.TraceId).ToList()));
        AssertDecision(decided, requested, id, "denied");
        Assert.Equal("admin:carol", Tag(decided, SpanAttributes.Approver));
    }

    [Fact]
    public async Task ApprovalNotPending_DecisionSpanIsARefusalWithoutAnotherDecision()
    {
        using var agent = new TracedAgent();
        var ask = await agent.PostFormAsync(Broker, "oauth2/token", Broker.RefundRequest().ToForm().Append(new("authorization_details", ApprovalTest.BigRefund)));
        var id = ask.Member("auth_req_id")!;
        using (var admin = Broker.Admin())
        {
            await admin.DecideApprovalAsync(id, approve: false, "admin:carol", null);
            await Assert.ThrowsAsync<Mandate.Client.MandateErrorException>(() => admin.DecideApprovalAsync(id, approve: true, "admin:dave", null));
        }

        var decisions = Eventually(() => Spans(MandateSpan.Approval).Where(s => s.TraceId != agent.TraceId && Tag(s, "http.response.status_code") == "409").ToList());
        var refused = Assert.Single(decisions);
        Assert.Null(Tag(refused, SpanAttributes.Approver));
        Assert.Null(Tag(refused, SpanAttributes.Kind));
    }

    private static void AssertDecision(Activity decided, Activity requested, string id, string outcome)
    {
        Assert.Equal(AuditKinds.ApprovalDecided, Tag(decided, SpanAttributes.Kind));
        Assert.Equal(outcome, Tag(decided, SpanAttributes.Outcome));
        Assert.Equal("admin:carol", Tag(decided, SpanAttributes.Approver));
        Assert.Equal(id, Tag(decided, SpanAttributes.Approval));
        Assert.Equal(SupportAgent, Tag(decided, SpanAttributes.Agent));
        foreach (var attribute in new[] { SpanAttributes.Run, SpanAttributes.Tenant, SpanAttributes.User, SpanAttributes.Tool, SpanAttributes.Rule })
        {
            Assert.NotNull(Tag(requested, attribute));
            Assert.Equal(Tag(requested, attribute), Tag(decided, attribute));
        }

        Assert.Null(Tag(decided, SpanAttributes.Jti));
        Assert.DoesNotContain(decided.TagObjects, t => t.Value is string s && s.StartsWith("eyJ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TelemetryOff_NoMandateSpanIsStarted_AndTheTrailIsTheAuditWriterItself()
    {
        var asked = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == MandateTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => { Interlocked.Increment(ref asked); return ActivitySamplingResult.None; },
        };
        ActivitySource.AddActivityListener(listener);
        await using var off = await BrokerHarness.StartAsync();

        Expect.Issued(await off.ExchangeAsync(off.RefundRequest()));
        Expect.Refused(await off.ExchangeAsync(off.RefundRequest() with { Scope = "refunds:admin" }), "invalid_scope");

        Assert.Equal(0, Volatile.Read(ref asked));
        Assert.IsType<AuditWriter>(off.App.App.Services.GetRequiredService<IUnitOfWork>());
        Assert.Same(off.Runtime.Store, off.App.App.Services.GetRequiredService<Core.Approvals.IApprovalStore>());
    }
}
