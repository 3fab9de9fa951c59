namespace Mandate.Policy.IntegrationTests;

public sealed class EvidenceGateTests
{
    private const string Change = "acme/shop@4f2a9c1";

    [Fact]
    public async Task Red_eval_refuses_naming_the_rule_and_green_eval_allows()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.EvalGate);

        var (noEvidence, body) = await broker.ExchangeAsync(("evidence_subject", Change));
        Assert.Equal(400, noEvidence);
        Assert.Contains("write-needs-green-eval", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);

        Assert.Equal(201, (await broker.PostEvidenceAsync(broker.CiToken(), $$"""{"kind":"eval","subject":"{{Change}}","result":"fail","details":{"suite":"refunds"} }""")).Status);
        var (red, redBody) = await broker.ExchangeAsync(("evidence_subject", Change));
        Assert.Equal(400, red);
        Assert.Contains("rule 'write-needs-green-eval' requires when:", redBody.GetProperty("error_description").GetString(), StringComparison.Ordinal);

        broker.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(201, (await broker.PostEvidenceAsync(broker.CiToken(), $$"""{"kind":"eval","subject":"{{Change}}","result":"pass"}""")).Status);
        Assert.Equal(200, (await broker.ExchangeAsync(("evidence_subject", Change))).Status);

        // Evidence is per change: another commit is still ungated.
        Assert.Equal(400, (await broker.ExchangeAsync(("evidence_subject", "acme/shop@0000000"))).Status);
    }

    [Fact]
    public async Task Untrusted_posters_are_refused()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.EvalGate);
        const string body = """{"kind":"eval","subject":"acme/shop@4f2a9c1","result":"pass"}""";

        var (agentStatus, agentBody) = await broker.PostEvidenceAsync(broker.AgentToken(), body);
        var (garbageStatus, _) = await broker.PostEvidenceAsync("not-a-token", body);

        Assert.Equal(403, agentStatus);
        Assert.Equal(("insufficient_scope", "evidence.issuer_not_trusted"), (agentBody.GetProperty("error").GetString(), agentBody.GetProperty("check_id").GetString()));
        Assert.Equal(403, garbageStatus);
        var (badStatus, badBody) = await broker.PostEvidenceAsync(broker.CiToken(), """{"kind":"eval","subject":"x","result":"green"}""");
        Assert.Equal((400, "evidence.body_invalid"), (badStatus, badBody.GetProperty("check_id").GetString()));
    }
}
