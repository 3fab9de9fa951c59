using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

public sealed class PolicyParserTests
{
    private const string SeveralMistakes = """
        # several mistakes at once
        rules:
          - id: support-refunds
            reason: Support refunds.
            effect: permit
            agents: ["spiffe://acme.example/agents/support-*"]
            tools: [refunds]
            max_lifetime: 5 minutes
            tenants: any
          - reason: Missing its id.
            effect: allow
            agents: []
            tools: [crm]
          - id: support-refunds
            reason: Same id again, and a deny with a lifetime.
            effect: deny
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            max_lifetime: 1h
            scopes: []
        """;

    [Fact]
    public void Parse_SeveralMistakes_ReportsEveryOneWithLineAndColumn()
    {
        var result = PolicyParser.Parse(SeveralMistakes, "policy.yaml");

        Assert.False(result.IsValid);
        Assert.Null(result.Snapshot);
        Assert.Collection(
            result.Problems,
            p => AssertProblem(p, "rules[0].effect", 5, 13, "must be 'allow', 'deny' or 'require_approval', found 'permit'"),
            p => AssertProblem(p, "rules[0].agents[0]", 6, 14, "has '*' inside segment 'support-*'"),
            p => AssertProblem(p, "rules[0].max_lifetime", 8, 19, "'5 minutes' is not a duration"),
            p => AssertProblem(p, "rules[0].tenants", 9, 5, "unknown key 'tenants' (did you mean 'tenant'?)"),
            p => AssertProblem(p, "rules[1]", 10, 5, "missing required key 'id'"),
            p => AssertProblem(p, "rules[1].agents", 12, 13, "must not be an empty list"),
            p => AssertProblem(p, "rules[2].id", 14, 9, "duplicate rule id 'support-refunds' (first used on line 3)"),
            p => AssertProblem(p, "rules[2].max_lifetime", 19, 19, "a deny rule issues no credential"),
            p => AssertProblem(p, "rules[2].scopes", 20, 13, "must not be an empty list"));
        Assert.All(result.Problems, p => Assert.Equal("policy.yaml", p.File));
    }

    [Fact]
    public void Problem_ToString_IsCompilerStyle()
    {
        var problem = PolicyParser.Parse(SeveralMistakes, "policy.yaml").Problems[0];

        Assert.Equal("policy.yaml:5:13: rules[0].effect: must be 'allow', 'deny' or 'require_approval', found 'permit'", problem.ToString());
    }

    [Fact]
    public void Parse_EmptyRulesList_IsValidAndDeniesEverything()
    {
        var result = PolicyParser.Parse("# deny all\nrules: []\n");

        Assert.True(result.IsValid);
        Assert.Empty(result.Problems);
        Assert.Empty(result.Snapshot.Rules);
        Assert.False(PolicyEngine.Evaluate(result.Snapshot, UserRequest).IsAllowed);
    }

    [Fact]
    public void Parse_RulesKeyWithoutValue_IsValidEmptyPolicy()
    {
        Assert.Empty(Load("rules:\n").Rules);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Parse_EmptyFile_IsRejected(string yaml)
    {
        var problem = Assert.Single(Problems(yaml));

        Assert.Contains("the policy file is empty", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ExamplePolicy_IsValid()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "examples", "policy.yaml");

        var result = PolicyParser.Parse(File.ReadAllBytes(path), path);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        Assert.Equal(
            ["support-refunds-own-tenant", "support-crm-changes-need-approval", "refund-executor-for-support", "research-reads-crm", "code-agent-writes-after-green-eval", "nightly-report-background", "no-experimental-writes-in-prod"],
            result.Snapshot.Rules.Select(r => r.Id));
        var rule = result.Snapshot.Rules[0];
        Assert.Equal(DecisionEffect.Allow, rule.Effect);
        Assert.Equal(["refunds:read", "refunds:write"], rule.Scopes!);
        Assert.Equal(TenantMatch.SameAsUser, rule.Tenant);
        Assert.Equal(SubjectMatch.User, rule.Subject);
        Assert.Equal(["dev", "prod"], rule.Environments!);
        Assert.Equal(TimeSpan.FromMinutes(5), rule.MaxLifetime);
        Assert.Equal(4, rule.Line);
    }

    [Fact]
    public void Parse_OmittedOptionalKeys_NarrowAllowAndWidenDeny()
    {
        var policy = Load(Rules(Rule("a", "allow", Support, "refunds"), Rule("d", "deny", Support, "refunds")));

        var (allow, deny) = (policy.Rules[0], policy.Rules[1]);
        Assert.Equal((SubjectMatch.User, TenantMatch.SameAsUser), (allow.Subject, allow.Tenant));
        Assert.Equal((SubjectMatch.Any, TenantMatch.Any), (deny.Subject, deny.Tenant));
        Assert.Null(allow.Scopes);
        Assert.Null(allow.Environments);
        Assert.Null(allow.MaxLifetime);
    }

    [Theory]
    [InlineData("rules:\n  - id: a\n    tools: [x\n", "", 4, 1, "malformed YAML")]
    [InlineData("rules:\n  - id: a\n\t  reason: b\n", "", 0, 0, "malformed YAML")]
    [InlineData("rules: 'unterminated\n", "", 1, 8, "malformed YAML")]
    [InlineData("rules:\n  - id: !!a[b x\n", "", 2, 5, "'!' tags")]
    [InlineData("rules:\n  - tools: [*]\n", "", 2, 13, "quote it, '*', to mean every tool")]
    [InlineData("rules: []\n---\nrules: []\n", "", 2, 1, "one YAML document")]
    [InlineData("- a\n", "", 1, 1, "must be a mapping with a 'rules' list, found a list")]
    [InlineData("Rules: []\n", "Rules", 1, 1, "unknown key 'Rules' (did you mean 'rules'?)")]
    [InlineData("rules: []\nversion: 2\n", "version", 2, 1, "unknown key 'version' (known keys: rules)")]
    [InlineData("rules: yes\n", "rules", 1, 8, "'rules' must be a list of rules, found a single value")]
    [InlineData("rules:\n  - just-a-name\n", "rules[0]", 2, 5, "each rule must be a mapping")]
    [InlineData("rules: &all []\n", "rules", 1, 8, "anchors ('&name') are not supported")]
    public void Parse_BadDocumentShape_ReportsPosition(string yaml, string path, int line, int column, string message)
    {
        var problems = Problems(yaml);

        var problem = problems.First(p => p.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal(path, problem.Path);
        if (line > 0)
        {
            Assert.Equal((line, column), (problem.Line, problem.Column));
        }
    }

    [Fact]
    public void Parse_YamlAlias_IsRejected()
    {
        var yaml = Rules(Rule("a", "allow", Support, "refunds", "environments: &envs [dev]"), Rule("b", "allow", Support, "crm", "environments: *envs"));

        var problems = Problems(yaml);

        Assert.Contains(problems, p => p.Path == "rules[1].environments" && p.Message.Contains("aliases ('*name') are not supported", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DuplicateKeyInRule_ReportsSecondOccurrence()
    {
        var problems = Problems(Rules(Rule("a", "allow", Support, "refunds", "effect: deny")));

        var problem = Single(problems, "rules[0].effect");
        Assert.Equal((7, 5), (problem.Line, problem.Column));
        Assert.Equal("duplicate key 'effect' (first set on line 4)", problem.Message);
    }

    [Theory]
    [InlineData("id", "missing required key 'id'")]
    [InlineData("reason", "missing required key 'reason'")]
    [InlineData("effect", "missing required key 'effect'")]
    [InlineData("agents", "missing required key 'agents'")]
    [InlineData("tools", "missing required key 'tools'")]
    public void Parse_RequiredKeyMissing_ReportsAtRule(string key, string message)
    {
        var lines = Rules(Rule("a", "allow", Support, "refunds")).Split('\n').Where(l => !l.TrimStart(' ', '-').StartsWith(key + ":", StringComparison.Ordinal));
        var yaml = string.Join('\n', lines).Replace("rules:\n    ", "rules:\n  - ", StringComparison.Ordinal);

        var problem = Assert.Single(Problems(yaml));

        Assert.Equal("rules[0]", problem.Path);
        Assert.Equal((2, 5), (problem.Line, problem.Column));
        Assert.StartsWith(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("subject: robot", "rules[0].subject", "must be 'user', 'agent' or 'any', found 'robot'")]
    [InlineData("tenant: acme", "rules[0].tenant", "write [acme] for one tenant")]
    [InlineData("tenant: []", "rules[0].tenant", "must not be an empty list")]
    [InlineData("scopes: []", "rules[0].scopes", "must not be an empty list, which would match nothing; omit 'scopes'")]
    [InlineData("environments: []", "rules[0].environments", "must not be an empty list")]
    [InlineData("scopes: crm:read", "rules[0].scopes", "must be a list, found a single value; write [crm:read] for one item")]
    [InlineData("scopes: ['*']", "rules[0].scopes[0]", "'*' is not a scope; omit 'scopes'")]
    [InlineData("scopes: ['crm read']", "rules[0].scopes[0]", "not a valid OAuth scope token")]
    [InlineData("scopes: [crm:read, '']", "rules[0].scopes[1]", "found an empty value")]
    [InlineData("max_lifetime: 0s", "rules[0].max_lifetime", "must be greater than zero")]
    [InlineData("max_lifetime: 1d", "rules[0].max_lifetime", "is not a duration")]
    [InlineData("max_lifetime: ", "rules[0].max_lifetime", "must be a single non-empty value, found nothing")]
    [InlineData("tenants: any", "rules[0].tenants", "unknown key 'tenants' (did you mean 'tenant'?)")]
    [InlineData("ttl: 5m", "rules[0].ttl", "unknown key 'ttl' (known keys: id, reason,")]
    public void Parse_BadRuleValue_ReportsIt(string extraKey, string path, string message)
    {
        var problems = Problems(Rules(Rule("a", "allow", Support, "refunds", extraKey)));

        var problem = Single(problems, path);
        Assert.Equal(7, problem.Line);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("effect: permit", "must be 'allow', 'deny' or 'require_approval', found 'permit'")]
    [InlineData("effect: Allow", "must be 'allow', 'deny' or 'require_approval', found 'Allow'")]
    [InlineData("id: 'a b'", "rule id 'a b' may contain only")]
    [InlineData("id: -lead", "must start with a letter or digit")]
    [InlineData("agents: []", "must not be an empty list, which would match nothing; list at least one agent")]
    [InlineData("agents: 'spiffe://acme.example/a'", "must be a list, found a single value")]
    [InlineData("agents: ['spiffe://*/agents/a']", "wildcard in the trust domain")]
    [InlineData("agents: ['spiffe://acme.example/**/a']", "'**' before the last segment")]
    [InlineData("agents: ['https://acme.example/a']", "must be a SPIFFE ID")]
    [InlineData("tools: []", "list tool names, or ['*'] for every tool")]
    [InlineData("tools: [refund*]", "tool names are exact")]
    [InlineData("tools: [[refunds]]", "list items must be non-empty single values, found a list")]
    public void Parse_BadRequiredValue_ReportsIt(string replacement, string message)
    {
        var key = replacement[..replacement.IndexOf(':', StringComparison.Ordinal)];
        var yaml = string.Join('\n', Rules(Rule("a", "allow", Support, "refunds")).Split('\n')
            .Select(l => l.TrimStart(' ', '-').StartsWith(key + ":", StringComparison.Ordinal) ? l[..l.IndexOf(key, StringComparison.Ordinal)] + replacement : l));

        var problems = Problems(yaml);

        Assert.Contains(problems, p => p.Path.StartsWith($"rules[0].{key}", StringComparison.Ordinal) && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DenyWithMaxLifetime_IsRejected()
    {
        var problem = Assert.Single(Problems(Rules(Rule("d", "deny", Support, "refunds", "max_lifetime: 5m"))));

        Assert.Equal(("rules[0].max_lifetime", 7, 19), (problem.Path, problem.Line, problem.Column));
        Assert.Contains("a deny rule issues no credential", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BackgroundAllowWithDefaultTenant_IsRejectedAsNeverMatching()
    {
        var problem = Assert.Single(Problems(Rules(Rule("bg", "allow", NightlyReport, "billing", "subject: agent"))));

        Assert.Equal("rules[0].subject", problem.Path);
        Assert.Contains("can never match", problem.Message, StringComparison.Ordinal);
        Assert.Contains("tenant defaults to same_as_user", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateIds_ReportsEachRepeatAtItsId()
    {
        var problems = Problems(Rules(
            Rule("same", "allow", Support, "refunds"),
            Rule("other", "allow", Support, "crm"),
            Rule("same", "allow", Support, "billing")));

        var problem = Single(problems, "rules[2].id");
        Assert.Equal((12, 9), (problem.Line, problem.Column));
        Assert.Equal("duplicate rule id 'same' (first used on line 2); ids must be unique", problem.Message);
    }

    [Fact]
    public void Parse_OneBadRule_RejectsWholePolicy()
    {
        var result = PolicyParser.Parse(Rules(Rule("good", "allow", Support, "refunds"), Rule("bad", "permit", Support, "crm")));

        Assert.False(result.IsValid);
        Assert.Null(result.Snapshot);
        Assert.Single(result.Problems);
    }

    private static void AssertProblem(PolicyProblem problem, string path, int line, int column, string message)
    {
        Assert.Equal((path, line, column), (problem.Path, problem.Line, problem.Column));
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }
}
