using System.Text;
using BenchmarkDotNet.Attributes;
using Mandate.Policy;

namespace Mandate.Bench.Policy;

/// <summary>
/// One decision against a 1,000-rule policy: 100 tools × 10 rules each (allow rules with agent patterns,
/// tenant lists and scopes, a third with a <c>when:</c> condition, a deny rule per tool). The index narrows
/// each request to its tool's rules, so time should not grow with the policy.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PolicyDecisionBenchmarks
{
    private PolicySnapshot _policy = null!;
    private PolicyInput _allowPlain = null!;
    private PolicyInput _allowWithCondition = null!;
    private PolicyInput _defaultDeny = null!;
    private PolicyInput _deniedByRule = null!;

    [GlobalSetup]
    public void Setup()
    {
        var yaml = new StringBuilder("rules:\n");
        for (var tool = 0; tool < 100; tool++)
        {
            for (var r = 0; r < 10; r++)
            {
                var id = $"t{tool}-r{r}";
                if (r == 9)
                {
                    yaml.Append($"  - {{id: {id}, reason: freeze, effect: deny, agents: [\"spiffe://acme.example/agents/frozen/**\"], tools: [tool{tool}]}}\n");
                    continue;
                }

                var when = r % 3 == 0 ? ", when: 'authorization_details.all(d, d.amount <= 100) && user.claims.tier == \"gold\"'" : "";
                yaml.Append($"  - {{id: {id}, reason: r, effect: allow, agents: [\"spiffe://acme.example/agents/team{r}/*\"], tools: [tool{tool}], scopes: [\"s{r}:read\", \"s{r}:write\"], tenant: [acme, globex]{when}}}\n");
            }
        }

        var result = PolicyParser.Parse(yaml.ToString());
        _policy = result.Snapshot ?? throw new InvalidOperationException(string.Join("\n", result.Problems));
        var basis = new PolicyInput
        {
            Agent = "spiffe://acme.example/agents/team4/bot",
            Tool = "tool57",
            Scopes = ["s4:read"],
            Tenant = "acme",
            Subject = SubjectKind.User,
            User = "alice",
            UserTenant = "acme",
            Environment = "prod",
            UserClaims = new Dictionary<string, object?> { ["tier"] = "gold" },
            AuthorizationDetails = [new Dictionary<string, object?> { ["type"] = "refund", ["amount"] = 40L }],
        };
        _allowPlain = basis;
        _allowWithCondition = basis with { Agent = "spiffe://acme.example/agents/team3/bot", Scopes = ["s3:read"] };
        _defaultDeny = basis with { Scopes = ["s4:admin"] };
        _deniedByRule = basis with { Agent = "spiffe://acme.example/agents/frozen/x" };
        if (!PolicyEngine.Evaluate(_policy, _allowWithCondition).IsAllowed || !PolicyEngine.Evaluate(_policy, _allowPlain).IsAllowed)
        {
            throw new InvalidOperationException("benchmark inputs must be allowed");
        }
    }

    [Benchmark(Baseline = true)]
    public Decision AllowFirstMatch() => PolicyEngine.Evaluate(_policy, _allowPlain);

    [Benchmark]
    public Decision AllowWithCondition() => PolicyEngine.Evaluate(_policy, _allowWithCondition);

    [Benchmark]
    public Decision DefaultDenyWithExplanation() => PolicyEngine.Evaluate(_policy, _defaultDeny);

    [Benchmark]
    public Decision DeniedByRule() => PolicyEngine.Evaluate(_policy, _deniedByRule);
}
