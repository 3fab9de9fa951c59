namespace Mandate.Policy.Tests;

/// <summary>Builders shared by the policy tests.</summary>
internal static class PolicyTestData
{
    public const string Support = "spiffe://acme.example/agents/support";
    public const string Research = "spiffe://acme.example/agents/research/web";
    public const string NightlyReport = "spiffe://acme.example/jobs/nightly-report";

    /// <summary>A support agent refunding for a user of tenant acme, in prod.</summary>
    public static PolicyInput UserRequest { get; } = new()
    {
        Agent = Support,
        Tool = "refunds",
        Scopes = ["refunds:read"],
        Tenant = "acme",
        Subject = SubjectKind.User,
        UserTenant = "acme",
        User = "https://login.acme.example|alice",
        Environment = "prod",
    };

    /// <summary>The same agent doing background work: no user, no user tenant.</summary>
    public static PolicyInput BackgroundRequest { get; } = UserRequest with
    {
        Subject = SubjectKind.Agent,
        UserTenant = null,
        User = null,
    };

    /// <summary>Loads a policy that must be valid, failing the test with every problem otherwise.</summary>
    public static PolicySnapshot Load(string yaml)
    {
        var result = PolicyParser.Parse(yaml);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        return result.Snapshot;
    }

    /// <summary>Loads a policy that must be invalid and returns its problems.</summary>
    public static IReadOnlyList<PolicyProblem> Problems(string yaml)
    {
        var result = PolicyParser.Parse(yaml);
        Assert.False(result.IsValid, "expected the policy to be rejected");
        Assert.Null(result.Snapshot);
        Assert.NotEmpty(result.Problems);
        return result.Problems;
    }

    /// <summary>Finds the one problem at <paramref name="path"/>, failing with all problems otherwise.</summary>
    public static PolicyProblem Single(IReadOnlyList<PolicyProblem> problems, string path) =>
        Assert.Single(problems, p => p.Path == path);

    /// <summary>A policy document from rules built with <see cref="Rule"/>.</summary>
    public static string Rules(params string[] rules) => "rules:\n" + string.Concat(rules);

    /// <summary>One rule as YAML; <paramref name="extraKeys"/> are further <c>key: value</c> lines.</summary>
    public static string Rule(string id, string effect, string agent, string tool, params string[] extraKeys) =>
        $"  - id: {id}\n    reason: Test rule {id}.\n    effect: {effect}\n    agents: [\"{agent}\"]\n    tools: [{tool}]\n"
        + string.Concat(extraKeys.Select(k => $"    {k}\n"));
}
