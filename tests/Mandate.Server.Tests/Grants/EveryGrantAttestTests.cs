using Mandate.Core.Attestation;
using Mandate.Core.Grants;
using Mandate.Core.Protocol;
using Mandate.Server.Tests.Approvals;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Grants;

/// <summary>
/// Every grant attests its caller through the one Attest stage: a disabled agent, a revoked run and a workload of
/// another trust domain are refused by every grant handler (tool credential, run start, renewal, delegation,
/// approval poll) with the same check id, so no grant can skip the registry, the trust domain, the kill switch
/// or revocation (a user's revocation also takes the identity provider's tokens issued before it). The handlers are called in-process so the check id is read from the refusal itself.
/// </summary>
public sealed class EveryGrantAttestTests : ApprovalTest
{
    private const string ForeignAgent = "spiffe://globex.example/agents/support";

    [Fact]
    public async Task EveryGrant_AgentDisabled_RefusedByAttestStage()
    {
        var (runToken, approval) = await PrepareAsync(inRun: false);
        await RevokeAsync("agent", SupportAgent);
        await RevokeAsync("agent", ExecutorAgent);

        var refusals = await RefuseAllAsync(Requests(runToken, approval, SupportAgent, ExecutorAgent));

        AssertAllRefusedBy(refusals, AttestChecks.AgentDisabled, expectedGrants: 5);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task EveryGrant_UnknownTrustDomain_RefusedByAttestStage()
    {
        var (runToken, approval) = await PrepareAsync(inRun: false);

        var refusals = await RefuseAllAsync(Requests(runToken, approval, ForeignAgent, ForeignAgent));

        AssertAllRefusedBy(refusals, AttestChecks.TrustDomain, expectedGrants: 5);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task EveryGrant_RevokedRun_RefusedByAttestStage()
    {
        var (runToken, approval) = await PrepareAsync(inRun: true);
        await RevokeAsync("run", RunId(runToken));

        // A run start presents no run, so it is the one grant a revoked run cannot reach.
        var requests = Requests(runToken, approval, SupportAgent, ExecutorAgent).Where(r => r.Grant != "run start").ToList();
        var refusals = await RefuseAllAsync(requests);

        AssertAllRefusedBy(refusals, AttestChecks.RunRevoked, expectedGrants: 4);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task EveryGrant_UserRevoked_RefusedByAttestStage()
    {
        var (runToken, approval) = await PrepareAsync(inRun: false);
        await RevokeAsync("user", "alice");

        // Besides the run's grants, a plain exchange presenting alice's token from the identity provider.
        var requests = Requests(runToken, approval, SupportAgent, ExecutorAgent);
        requests.Add(("plain tool credential", Form(Broker.RefundRequest())));
        var refusals = await RefuseAllAsync(requests);

        AssertAllRefusedBy(refusals, AttestChecks.UserRevoked, expectedGrants: 6);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public void Dispatcher_EachRequest_TakenByExactlyOneGrant()
    {
        var handlers = Broker.App.App.Services.GetServices<IGrantHandler>().ToList();
        foreach (var (grant, form) in Requests("run-token", "areq_1", SupportAgent, ExecutorAgent))
        {
            Assert.True(handlers.Count(h => h.Accepts(new TokenRequest(form))) == 1, grant);
        }
    }

    /// <summary>A run started by the support agent and an approved approval (inside that run when <paramref name="inRun"/>).</summary>
    private async Task<(string RunToken, string Approval)> PrepareAsync(bool inRun)
    {
        var runToken = await Broker.StartRunAsync();
        var approval = await AskAsync(inRun ? Broker.InRunRequest(runToken) : Broker.RefundRequest());
        await ApproveAsync(approval);
        return (runToken, approval);
    }

    /// <summary>One request per grant: <paramref name="actor"/> calls, <paramref name="subAgent"/> delegates.</summary>
    private List<(string Grant, Dictionary<string, string> Form)> Requests(string runToken, string approval, string actor, string subAgent)
    {
        var svid = Broker.Svid(actor);
        return
        [
            ("tool credential", Form(Broker.InRunRequest(runToken) with { ActorToken = svid })),
            ("run start", Form(Broker.StartRunRequest() with { ActorToken = svid })),
            ("run renewal", Form(Broker.RunTokenRequest(runToken, actor))),
            ("delegation", Form(Broker.RunTokenRequest(runToken, subAgent))),
            ("approval poll", new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["grant_type"] = OAuthConstants.GrantTypes.Ciba,
                ["auth_req_id"] = approval,
                ["actor_token"] = svid,
                ["actor_token_type"] = ExchangeRequest.JwtType,
            }),
        ];
    }

    private static Dictionary<string, string> Form(ExchangeRequest request) =>
        request.ToForm().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>Runs each request through the grant that takes it; each must be refused.</summary>
    private async Task<List<(string Grant, Type Handler, OAuthError Error)>> RefuseAllAsync(List<(string Grant, Dictionary<string, string> Form)> requests)
    {
        var handlers = Broker.App.App.Services.GetServices<IGrantHandler>().ToList();
        var refusals = new List<(string, Type, OAuthError)>();
        foreach (var (grant, form) in requests)
        {
            var request = new TokenRequest(form);
            var handler = Assert.Single(handlers, h => h.Accepts(request));
            var result = await handler.HandleAsync(request, CancellationToken.None);
            Assert.True(result.Failed(out var error, out _), $"{grant} was not refused");
            refusals.Add((grant, handler.GetType(), error));
        }

        return refusals;
    }

    private static void AssertAllRefusedBy(List<(string Grant, Type Handler, OAuthError Error)> refusals, Check check, int expectedGrants)
    {
        Assert.Equal(expectedGrants, refusals.Count);
        Assert.Equal(3, refusals.Select(r => r.Handler).Distinct().Count());
        foreach (var (grant, _, error) in refusals)
        {
            Assert.True(error.CheckId == check.Id, $"{grant}: expected {check.Id}, got {error.CheckId} ({error.Error}: {error.Description})");
        }
    }
}
