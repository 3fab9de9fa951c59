using System.Text.Json;
using Mandate.Fuzz.Generation;
using Mandate.Fuzz.Running;
using Mandate.Policy;
using Mandate.Policy.Expressions;

namespace Mandate.Fuzz.Targets;

/// <summary>
/// Policy conditions: compile against the policy context's types, then evaluate against a context whose
/// user claims and details are random JSON (types the checker cannot know). Oracle: a program xor
/// diagnostics with a position; evaluation gives a value or an error value.
/// </summary>
internal sealed class CelTarget : FuzzTarget<(string Source, string Claims, string Details)>
{
    public override string Name => "cel";

    public override string Covers => "CelProgram.Compile + Evaluate (policy conditions: lexer, parser, checker, evaluator)";

    protected override (string Source, string Claims, string Details) Generate(Random random) =>
        (CelExpressions.Next(random),
         JsonMutations.Mutate(random, """{"tier":"gold","level":3,"groups":["support","eu"]}"""),
         JsonMutations.Mutate(random, """[{"type":"refund","amount":80,"currency":"EUR"}]"""));

    protected override ValueTask<Verdict> CheckAsync((string Source, string Claims, string Details) input)
    {
        var (program, problems) = CelProgram.Compile(input.Source, PolicyExpressionContext.Environment, requireBool: false);
        if ((program is null) == (problems.Count == 0))
        {
            return Verdict.Task(Verdict.Broken("a program and problems both present or both absent"));
        }

        if (program is null)
        {
            return Verdict.Task(Verdict.Refused);
        }

        var variables = PolicyExpressionContext.Build(new PolicyInput
        {
            Agent = "spiffe://acme.example/agents/support",
            Tool = "refunds",
            Scopes = ["refunds:write", "refunds:read"],
            Tenant = "acme",
            Subject = SubjectKind.User,
            User = "alice",
            UserTenant = "acme",
            Environment = "dev",
            Now = new DateTimeOffset(2026, 1, 5, 9, 30, 0, TimeSpan.Zero),
            UserClaims = FromJson(input.Claims) as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>(),
            AuthorizationDetails = FromJson(input.Details) as IReadOnlyList<object?> ?? [],
            Evidence = new Dictionary<string, string> { ["eval"] = "pass" },
            RateCounts = new Dictionary<string, long> { ["user"] = 2 },
        });
        var result = program.Evaluate(variables);
        return Verdict.Task(result.Error is not null && string.IsNullOrEmpty(result.Error.Message) ? Verdict.Broken("an error value without a message") : Verdict.Accepted);
    }

    protected override string Describe((string Source, string Claims, string Details) input) =>
        $"{FuzzFinding.Excerpt(input.Source)} | claims {FuzzFinding.Excerpt(input.Claims)} | details {FuzzFinding.Excerpt(input.Details)}";

    /// <summary>Claims arrive as JSON in a token; the broker turns them into expression values the same way.</summary>
    private static object? FromJson(string json)
    {
        try
        {
            // Strictly encoded first, as the token's bytes are: text with a lone surrogate is no claim set.
            using var document = JsonDocument.Parse(new System.Text.UTF8Encoding(false, true).GetBytes(json));
            return CelValues.FromJson(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return null;
        }
    }
}
