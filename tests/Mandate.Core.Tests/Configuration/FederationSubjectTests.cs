using Mandate.Core.Configuration;

namespace Mandate.Core.Tests.Configuration;

/// <summary>
/// The sub of an oidc-federation ID token is what a cloud's trust policy matches, as a string: two callers must never
/// render one sub (OpenID Connect Core 1.0 §2: a sub is never reassigned), and a value must never become a placeholder.
/// </summary>
public sealed class FederationSubjectTests
{
    private const string Agent = "spiffe://acme.example/agents/support";

    [Theory]
    [InlineData("a:b", "c", "a", "b:c")]
    [InlineData("a/b", "c", "a", "b/c")]
    [InlineData("a", "b%3Ac", "a", "b:c")]
    public void RenderSubject_SeparatorInAValue_TwoCallersNeverShareASub(string tenant1, string user1, string tenant2, string user2)
    {
        var federation = Federation("{tenant}:{user}");

        var first = federation.RenderSubject(tenant1, Agent, "run_1", "aws", user1);
        var second = federation.RenderSubject(tenant2, Agent, "run_1", "aws", user2);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void RenderSubject_UserEndingInNoUserText_NeverSharesTheSubOfBackgroundWorkInAnotherTenant()
    {
        // Background work in tenant 'x:y' and user 'y:none' in tenant 'x' both rendered x:y:none.
        var federation = Federation("{tenant}:{user}");

        var background = federation.RenderSubject("x:y", Agent, "run_1", "aws", null);
        var user = federation.RenderSubject("x", Agent, "run_1", "aws", "y:none");

        Assert.Equal("x%3Ay:none", background);
        Assert.Equal("x:y%3Anone", user);
    }

    [Theory]
    [InlineData("{tenant}", "acme:%7Btenant%7D")]
    [InlineData("{agent}:{run}", "acme:%7Bagent%7D%3A%7Brun%7D")]
    [InlineData("100%", "acme:100%25")]
    [InlineData("CN=x, O=y=z", "acme:CN=x, O=y=z")]
    public void RenderSubject_ValueHoldingAPlaceholder_WrittenEscaped_NeverSubstitutedNorLeftAsAPlaceholder(string user, string sub)
    {
        var rendered = Federation("{tenant}:{user}").RenderSubject("acme", Agent, "run_1", "aws", user);

        Assert.Equal(sub, rendered);
    }

    [Fact]
    public void RenderSubject_AgentWrittenAsRegistered_SoTrustPoliciesNameTheSpiffeId()
    {
        Assert.Equal("acme:" + Agent, Federation("{tenant}:{agent}").RenderSubject("acme", Agent, "run_1", "aws", null));
        Assert.Equal(Agent, Federation("{agent}").RenderSubject("acme", Agent, "run_1", "aws", "bob"));
    }

    [Theory]
    [InlineData("{tenant}:{user}")]
    [InlineData("{user}/{tenant}")]
    [InlineData("t={tenant}:{agent}/u={user}")]
    [InlineData("{user}:{agent}:{tenant}")]
    [InlineData("{agent}/{tenant}x:y{user}")]
    public void RenderSubject_EveryTemplateTheRuleAllows_IsInjective(string template)
    {
        // Exhaustive over short values built from separators, braces and '%': any two different callers differ.
        Assert.Null(OidcFederationToolOptions.TemplateProblem(template));
        var federation = Federation(template);
        var values = Values("a:/%{").ToList();
        // A template that does not name the agent gives every agent one sub, by design; only named values must tell callers apart.
        string[] agents = template.Contains("{agent}", StringComparison.Ordinal) ? [Agent, Agent + "/a", "spiffe://acme.example/agents"] : [Agent];
        var seen = new Dictionary<string, (string, string, string?)>(StringComparer.Ordinal);

        foreach (var agent in agents)
        {
            foreach (var tenant in values)
            {
                foreach (var user in values.Append(null))
                {
                    var sub = federation.RenderSubject(tenant, agent, "run_1", "aws", user);
                    Assert.True(seen.TryAdd(sub, (tenant, agent, user)) || seen[sub] == (tenant, agent, user), $"'{sub}' rendered for two callers");
                }
            }
        }
    }

    [Theory]
    [InlineData("{agent}")]
    [InlineData("{tenant}:{agent}")]
    [InlineData("tenant:{tenant}:user:{user}")]
    [InlineData("{tenant}/{run}/{tool}")]
    [InlineData("fixed")]
    public void TemplateProblem_SeparatedPlaceholders_None(string template) =>
        Assert.Null(OidcFederationToolOptions.TemplateProblem(template));

    [Fact]
    public void Escape_IsReversibleAndLeavesNoSeparator()
    {
        Assert.Equal("%25%3A%2F%7B%7D", OidcFederationToolOptions.Escape("%:/{}"));
        Assert.Equal("%253A", OidcFederationToolOptions.Escape("%3A"));
        Assert.Equal("alice@acme.example", OidcFederationToolOptions.Escape("alice@acme.example"));
    }

    private static OidcFederationToolOptions Federation(string subject) => new() { Audience = "sts.amazonaws.com", Subject = subject };

    private static IEnumerable<string> Values(string alphabet)
    {
        IEnumerable<string> level = alphabet.Select(c => c.ToString());
        for (var length = 1; length <= 3; length++)
        {
            foreach (var value in level)
            {
                yield return value;
            }

            level = level.SelectMany(v => alphabet.Select(c => v + c)).ToList();
        }
    }
}
