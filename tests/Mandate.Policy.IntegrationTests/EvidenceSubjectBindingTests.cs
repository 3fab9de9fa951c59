using System.Text.Json;
using Mandate.Core;
using Mandate.Core.Audit;

namespace Mandate.Policy.IntegrationTests;

/// <summary>
/// POST /evidence: a CI job vouches only for the subjects its issuer's evidence_subjects allow for its own token, so a
/// job of one repository cannot open the eval gate of another's change.
/// </summary>
public sealed class EvidenceSubjectBindingTests
{
    private const string Change = "acme/shop@4f2a9c1";
    private const string OtherChange = "globex/billing@4f2a9c1";

    [Fact]
    public async Task Post_SubjectOutsideTemplates_Refused403NothingStoredGateClosedAudited()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.EvalGate);
        var token = broker.CiToken();

        var (status, body) = await broker.PostEvidenceAsync(token, Pass(OtherChange));

        Assert.Equal(403, status);
        Assert.Equal(("insufficient_scope", "evidence.subject_not_allowed"), (body.GetProperty("error").GetString(), body.GetProperty("check_id").GetString()));
        var description = body.GetProperty("error_description").GetString()!;
        Assert.Contains("issuer 'ci'", description, StringComparison.Ordinal);
        Assert.Contains("{repository}@{sha}", description, StringComparison.Ordinal);
        Assert.DoesNotContain(token, description, StringComparison.Ordinal);
        Assert.Empty(await broker.Get<IMandateStore>().LatestEvidenceAsync(OtherChange, CancellationToken.None));
        Assert.Equal(400, (await broker.ExchangeAsync(("evidence_subject", OtherChange))).Status);
        var refusal = Assert.Single(await EvidenceAuditAsync(broker));
        Assert.Equal(("refused", "evidence.subject_not_allowed", OtherChange), (refusal.Outcome, refusal.Evidence["check"], refusal.Evidence["evidence_subject"]));
        Assert.Equal("https://token.actions.example", refusal.Evidence["poster_issuer"]);
    }

    [Fact]
    public async Task Post_TokenLacksTemplateClaim_Refused403NamingTheClaim()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.EvalGate);
        var withoutSha = broker.CiToken(claims: new Dictionary<string, object> { ["repository"] = "acme/shop" });

        var (status, body) = await broker.PostEvidenceAsync(withoutSha, Pass(Change));

        Assert.Equal(403, status);
        Assert.Equal("evidence.subject_claim_missing", body.GetProperty("check_id").GetString());
        Assert.Contains("'sha'", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.Empty(await broker.Get<IMandateStore>().LatestEvidenceAsync(Change, CancellationToken.None));
        Assert.Equal("evidence.subject_claim_missing", Assert.Single(await EvidenceAuditAsync(broker)).Evidence["check"]);
    }

    [Fact]
    public async Task Post_ClaimValueWithStar_NeverWidensTheTemplate()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.EvalGate);
        var star = broker.CiToken(sha: "*");

        var (status, body) = await broker.PostEvidenceAsync(star, Pass(Change));

        Assert.Equal((403, "evidence.subject_claim_missing"), (status, body.GetProperty("check_id").GetString()));
        Assert.Empty(await broker.Get<IMandateStore>().LatestEvidenceAsync(Change, CancellationToken.None));
    }

    [Fact]
    public async Task Post_AnySubjectTemplate_AcceptsAnySubject()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.EvalGate, evidenceSubjects: "['*']");

        Assert.Equal(201, (await broker.PostEvidenceAsync(broker.CiToken(), Pass(OtherChange))).Status);
        Assert.Equal(200, (await broker.ExchangeAsync(("evidence_subject", OtherChange))).Status);
        Assert.Equal("*", Assert.Single(await EvidenceAuditAsync(broker)).Evidence["evidence_rule"]);
    }

    [Fact]
    public async Task Post_GlobTemplate_MatchesTheRepositorysPrefixOnly()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.EvalGate, evidenceSubjects: "['{repository}@*']");
        var token = broker.CiToken();

        Assert.Equal(201, (await broker.PostEvidenceAsync(token, Pass("acme/shop@0000001"))).Status);
        var (lookalike, body) = await broker.PostEvidenceAsync(token, Pass("acme/shop-fork@0000001"));

        Assert.Equal((403, "evidence.subject_not_allowed"), (lookalike, body.GetProperty("check_id").GetString()));
        Assert.Empty(await broker.Get<IMandateStore>().LatestEvidenceAsync("acme/shop-fork@0000001", CancellationToken.None));
    }

    [Fact]
    public async Task Post_Accepted_AuditRecordNamesTheTemplateThatMatched()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.EvalGate, evidenceSubjects: "['{repository}@{sha}', 'release/{repository}']");

        Assert.Equal(201, (await broker.PostEvidenceAsync(broker.CiToken(), Pass("release/acme/shop"))).Status);

        var posted = Assert.Single(await EvidenceAuditAsync(broker));
        Assert.Equal(("pass", "release/{repository}", "release/acme/shop"), (posted.Outcome, posted.Evidence["evidence_rule"], posted.Evidence["evidence_subject"]));
    }

    [Fact]
    public async Task Post_WorkloadToken_StillRefused403()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.EvalGate, evidenceSubjects: "['*']");

        var (status, body) = await broker.PostEvidenceAsync(broker.AgentToken(), Pass(Change));

        Assert.Equal((403, "evidence.issuer_not_trusted"), (status, body.GetProperty("check_id").GetString()));
        Assert.Empty(await broker.Get<IMandateStore>().LatestEvidenceAsync(Change, CancellationToken.None));
    }

    private static string Pass(string subject) => JsonSerializer.Serialize(new { kind = "eval", subject, result = "pass" });

    private static async Task<List<AuditEvent>> EvidenceAuditAsync(PolicyBroker broker)
    {
        var events = new List<AuditEvent>();
        await foreach (var r in broker.Get<IMandateStore>().ReadAuditAsync(new AuditQuery { Kind = AuditKinds.EvidencePosted }, CancellationToken.None))
        {
            events.Add(r.Event);
        }

        return events;
    }
}
