using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Policy;

/// <summary>
/// Invariant 6 through the policy: a reload that removes the rule a run was working under leaves its run token nothing
/// new, as a renewal, a delegation or a tool credential; what the run holds already lives out its short lifetime.
/// </summary>
[Trait("Invariant", "6")]
public sealed class PolicyReloadStandingTests : BrokerTest
{
    private const string RemovedRule = "support-refunds-own-tenant";

    [Fact]
    public async Task Invariant6_PolicyReloadRemovesTheAllowingRule_RunTokenHeldBeforeGetsNoCredentialAndNothingIsIssued()
    {
        var runToken = await Broker.StartRunAsync();
        await Broker.IssueInRunAsync(runToken);
        await ReloadWithoutAsync(RemovedRule);
        var issued = (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count;

        var credential = await Broker.ExchangeAsync(Broker.InRunRequest(runToken));
        var delegated = await Broker.ExchangeAsync(Broker.RunTokenRequest(runToken, ExecutorAgent, "refunds:write"));

        // RFC 8693 §2.2.2: no rule for this tool any more is invalid_target, naming the policy version that decided.
        Expect.Refused(credential, "invalid_target", Broker.Runtime.Policy.Current.Version);
        Assert.True(delegated.Status == System.Net.HttpStatusCode.BadRequest, delegated.ToString());
        Assert.Equal(issued, (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count);
    }

    private async Task ReloadWithoutAsync(string ruleId)
    {
        var start = Policy.IndexOf($"  - id: {ruleId}", StringComparison.Ordinal);
        var end = Policy.IndexOf("  - id: ", start + 1, StringComparison.Ordinal);
        await Broker.WritePolicyAsync(Policy[..start] + Policy[end..]);
        var result = await Broker.Runtime.Policy.ReloadAsync();
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
    }
}
