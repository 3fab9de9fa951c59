using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core;

namespace Mandate.Policy.IntegrationTests;

/// <summary>
/// docs/policy.md (How refusals are explained) and docs/threat-model.md: the error_description an agent reads names
/// the rule and its own tenant, never the other tenants the rule covers, and quotes a long <c>when:</c> capped; the
/// audit record of the refusal (the operator's) keeps the whole text.
/// </summary>
public sealed class RefusalDisclosureTests
{
    private const string TenantList = """
        rules:
          - id: refunds-acme
            reason: Refunds for the tenants on the refunds contract.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            tenant: [acme, initech]
        """;

    [Fact]
    public async Task Exchange_TenantTheRuleDoesNotCover_DescriptionNamesNoOtherTenant_AuditKeepsTheList()
    {
        await using var broker = await PolicyBroker.StartAsync(TenantList);

        var (status, body) = await broker.PostAsync(Exchange(broker, broker.UserToken(tenant: "globex")));

        Assert.Equal(400, status);
        Assert.Equal("invalid_target", body.GetProperty("error").GetString());
        var description = body.GetProperty("error_description").GetString()!;
        Assert.Contains("rule 'refunds-acme' does not cover tenant 'globex'", description, StringComparison.Ordinal);
        Assert.DoesNotContain("initech", description, StringComparison.Ordinal);
        Assert.DoesNotContain("acme,", description, StringComparison.Ordinal);
        var refusal = Assert.Single(await DecisionsAsync(broker));
        Assert.Contains("rule 'refunds-acme' allows tenants acme, initech (requested 'globex')", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_LongConditionFalse_DescriptionQuotesItCapped_AuditKeepsItWhole()
    {
        var tail = string.Concat(Enumerable.Range(0, 30).Select(i => $" && tenant != 'customer-{i}'"));
        await using var broker = await PolicyBroker.StartAsync($"""
            rules:
              - id: gold-refunds
                reason: Only gold users refund.
                effect: allow
                agents: ["spiffe://acme.example/agents/support"]
                tools: [refunds]
                when: "has(user.claims.tier) && user.claims.tier == 'gold'{tail}"
            """);

        var (status, body) = await broker.ExchangeWithTierAsync("free");

        Assert.Equal(400, status);
        var description = body.GetProperty("error_description").GetString()!;
        Assert.Contains("rule 'gold-refunds' requires when: has(user.claims.tier)", description, StringComparison.Ordinal);
        Assert.DoesNotContain("customer-29", description, StringComparison.Ordinal);
        Assert.Contains("customer-29", Assert.Single(await DecisionsAsync(broker)), StringComparison.Ordinal);
    }

    private static (string, string)[] Exchange(PolicyBroker broker, string subjectToken) =>
    [
        ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
        ("subject_token", subjectToken),
        ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
        ("actor_token", broker.AgentToken()),
        ("actor_token_type", "urn:ietf:params:oauth:token-type:jwt"),
        ("resource", "https://refunds.acme.example"),
        ("scope", "refunds:write"),
    ];

    private static async Task<List<string>> DecisionsAsync(PolicyBroker broker)
    {
        var records = new List<string>();
        await foreach (var r in broker.Get<IMandateStore>().ReadAuditAsync(new AuditQuery { Kind = AuditKinds.Decision }, CancellationToken.None))
        {
            records.Add(JsonDocument.Parse(r.Payload).RootElement.GetProperty("reason").GetString()!);
        }

        return records;
    }
}
