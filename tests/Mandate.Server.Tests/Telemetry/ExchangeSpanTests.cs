using System.Diagnostics;
using Mandate.Core.Audit;
using Mandate.Server.Telemetry;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>The exchange span: who asked, for whom, what was decided, and nothing secret; under the agent's trace.</summary>
public sealed class ExchangeSpanTests : TelemetryTest
{
    [Fact]
    public async Task Exchange_Granted_SpanCarriesThePrincipalAndTheDecision()
    {
        using var agent = new TracedAgent();
        var request = Broker.RefundRequest() with { Run = "run_traced" };

        var reply = await agent.PostFormAsync(Broker, "oauth2/token", request.ToForm());

        var token = Expect.Issued(reply);
        var span = SpanOf(agent, MandateSpan.Exchange);
        var issuance = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Equal(SupportAgent, Tag(span, SpanAttributes.Agent));
        Assert.Equal("run_traced", Tag(span, SpanAttributes.Run));
        Assert.Equal("acme", Tag(span, SpanAttributes.Tenant));
        Assert.Equal("alice", Tag(span, SpanAttributes.User));
        Assert.Equal("refunds", Tag(span, SpanAttributes.Tool));
        Assert.Equal("refunds:write", Tag(span, SpanAttributes.Scope));
        Assert.Equal(Broker.Runtime.Policy.Current.Version, Tag(span, SpanAttributes.PolicyVersion));
        Assert.Equal("support-refunds-own-tenant", Tag(span, SpanAttributes.Rule));
        Assert.Equal(issuance.Outcome, Tag(span, SpanAttributes.Outcome));
        Assert.Equal(IssuedTokens.Read(token).Id, Tag(span, SpanAttributes.Jti));
        Assert.Equal((Broker.Now + SupportMaxLifetime).ToString("O"), DateTimeOffset.Parse(Tag(span, SpanAttributes.Expires)!, System.Globalization.CultureInfo.InvariantCulture).ToString("O"));
        Assert.Null(Tag(span, SpanAttributes.CheckId));
        Assert.NotEqual(ActivityStatusCode.Error, span.Status);
        AssertNothingSecret(span, token, request.ActorToken!, request.SubjectToken!);
    }

    [Fact]
    public async Task Exchange_Refused_SpanCarriesTheCheckIdAndOAuthError()
    {
        using var agent = new TracedAgent();
        var request = Broker.RefundRequest() with { Scope = "refunds:admin" };

        var reply = await agent.PostFormAsync(Broker, "oauth2/token", request.ToForm());

        Assert.Equal("invalid_scope", reply.Error);
        var span = SpanOf(agent, MandateSpan.Exchange);
        Assert.Equal(reply.Member("check_id"), Tag(span, SpanAttributes.CheckId));
        Assert.Equal("invalid_scope", Tag(span, SpanAttributes.OAuthError));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(SupportAgent, Tag(span, SpanAttributes.Agent));
        Assert.Null(Tag(span, SpanAttributes.Jti));
        AssertNothingSecret(span, request.ActorToken!, request.SubjectToken!);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_AgentSendsTraceparent_MandateSpanIsInItsTraceAndTheAuditRecordNamesIt()
    {
        using var agent = new TracedAgent();

        Expect.Issued(await agent.PostFormAsync(Broker, "oauth2/token", Broker.RefundRequest().ToForm()));

        var span = SpanOf(agent, MandateSpan.Exchange);
        // Mandate's span sits under the ASP.NET Core server span, whose parent is the agent's span.
        var server = Assert.Single(AllSpans(), s => s.SpanId == span.ParentSpanId);
        Assert.Equal(ActivityKind.Server, server.Kind);
        Assert.Equal(agent.SpanId, server.ParentSpanId);
        Assert.Equal(agent.TraceId, span.TraceId);
        var events = (await Broker.ReadAuditAsync()).Select(r => r.Event).ToList();
        Assert.Equal(agent.TraceId.ToHexString(), Assert.Single(events, e => e.Kind == AuditKinds.Issuance).TraceId);
        Assert.All(events.Where(e => e.TraceId is not null), e => Assert.Equal(agent.TraceId.ToHexString(), e.TraceId));
    }

    [Fact]
    public async Task Exchange_MalformedRequest_SpanCarriesTheFormCheck()
    {
        using var agent = new TracedAgent();

        var reply = await agent.PostFormAsync(Broker, "oauth2/token", [new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")]);

        Assert.Equal("invalid_request", reply.Error);
        var span = SpanOf(agent, MandateSpan.Exchange);
        Assert.Equal(reply.Member("check_id"), Tag(span, SpanAttributes.CheckId));
        Assert.Equal("400", Tag(span, "http.response.status_code"));
    }

    internal static void AssertNothingSecret(Activity span, params string[] secrets)
    {
        // A JWT's signature is the part that makes it a credential: no tag may carry one.
        var signatures = secrets.Select(s => s[(s.LastIndexOf('.') + 1)..]).ToList();
        foreach (var (name, value) in span.Tags)
        {
            Assert.False(value is not null && signatures.Any(s => value.Contains(s, StringComparison.Ordinal)), $"{name} carries a token");
        }
    }
}
