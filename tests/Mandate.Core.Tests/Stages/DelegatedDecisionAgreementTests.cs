using Mandate.Core.Configuration;
using Mandate.Core.Decisions;
using Mandate.Core.Grants;
using Mandate.Core.Mcp;
using Mandate.Core.Policy;
using Mandate.Core.Resolution;
using Mandate.Core.Runs;
using Mandate.Core.Storage;
using Mandate.Core.Tests.Mcp;
using Mandate.Policy;
using Mandate.Policy.Testing;
using Mandate.Policy.Tests;
using Mandate.Policy.Tests.Delegation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mandate.Core.Tests.Stages;

/// <summary>
/// Invariant 3, as a policy author tests it: for every case of <see cref="DelegationCases"/>, <c>mandate policy test</c>'s
/// runner and the broker (the Decide stage for a credential, the MCP gateway's policy for a tools/call), deciding the
/// same sub-agent's request against the same policy, give the same outcome and name the same deciding agent.
/// </summary>
[Trait("Invariant", "3")]
public sealed class DelegatedDecisionAgreementTests
{
    public static TheoryData<string> ExchangeCases => Names(c => c.McpCall is null);

    public static TheoryData<string> McpCases => Names(c => c.McpCall is not null);

    [Theory]
    [MemberData(nameof(ExchangeCases))]
    public async Task Invariant3_TokenExchangeInAChain_RunnerAndDecideStageAgree(string name)
    {
        var expected = Runner(name);
        var c = expected.Case;
        await using var f = new StageFixture();
        using var folder = new TempDirectory();
        using var provider = LoadPolicy(folder, f.Clock);
        var stage = new DecideStage(new CurrentPolicyDecisionPoint(provider), f.Trail, f.Options, NullLogger<DecideStage>.Instance);
        var run = ChildRun(f.RunToken(StageFixture.Executor, c.Input.DelegationDepth, maxDepth: 3).Run, c);
        var facts = new GrantFacts(f.Now, "dec_test", f.Actor(StageFixture.Executor), f.UserSubject() with { Run = new PresentedRunToken(run, "rt_1", f.Now, f.Now.AddMinutes(15)) },
            SenderBinding.None, new Placement(run.Tenant, run.Id, run.Actors, run.Depth));
        var tool = new ResolvedTool(new ToolOptions { Name = c.Input.Tool, Resource = $"https://{c.Input.Tool}.acme.example", Scopes = [.. c.Input.Scopes] }, c.Input.Scopes);
        var state = new PolicyState(provider.Current, new Dictionary<string, string>(), new Dictionary<string, long>());

        var broker = await stage.CredentialAsync(facts, tool, new RequestDetails(c.Input.AuthorizationDetails, null), state, CancellationToken.None);

        if (broker.Failed(out var error, out var decided))
        {
            Assert.Equal("deny", PolicyTestResult.OutcomeOf(expected.Decision));
            var by = Assert.IsType<DelegatingAgent>(expected.DecidedBy);
            Assert.Equal(DecideChecks.DelegatorNotAllowed.Id, error.CheckId);
            Assert.StartsWith($"the delegating agent '{by.Agent}' of run '{by.Run}' ", error.Description, StringComparison.Ordinal);
            Assert.Contains(expected.Decision.Reason, error.Description, StringComparison.Ordinal);
            return;
        }

        Assert.Equal(PolicyTestResult.OutcomeOf(expected.Decision), PolicyTestResult.OutcomeOf(decided.Decision));
        Assert.Equal(expected.DecidedBy?.Agent, decided.ApprovalRequiredBy);
        Assert.Equal((expected.Decision.RuleId, expected.Decision.MaxLifetime), (decided.Decision.RuleId, decided.Decision.MaxLifetime));
        Assert.Equal(expected.Decision.GrantedScopes, decided.Decision.GrantedScopes);
    }

    [Theory]
    [MemberData(nameof(McpCases))]
    public async Task Invariant3_McpCallInAChain_RunnerAndGatewayPolicyAgree(string name)
    {
        var expected = Runner(name);
        var c = expected.Case;
        var call = c.McpCall!;
        await using var f = await new McpFixture().MigrateAsync();
        await using var stages = new StageFixture();
        await f.ReloadPolicyAsync(DelegationCases.PolicyText);
        var run = ChildRun(stages.RunToken(c.Input.Agent, c.Input.DelegationDepth, maxDepth: 3).Run, c);
        await f.Store.CommitAsync(new StoreBatch(run), CancellationToken.None);
        var caller = f.Caller with { Agent = c.Input.Agent, Run = run.Id, Actors = run.Actors };
        var arguments = System.Text.Json.JsonSerializer.Serialize(call.Arguments);

        var broker = await f.DecideAsync(McpFixture.Call(call.Tool, arguments), caller);

        var verdict = PolicyTestResult.OutcomeOf(expected.Decision) switch
        {
            "allow" => McpCallVerdict.Allowed,
            "pending" => McpCallVerdict.ApprovalPending,
            _ => McpCallVerdict.Denied,
        };
        Assert.Equal(verdict, broker.Verdict);
        Assert.Equal((expected.DecidedBy?.Agent, expected.DecidedBy?.Run), (broker.Delegator, broker.DelegatorRun));
        if (verdict == McpCallVerdict.Denied)
        {
            Assert.Equal(McpCallChecks.DelegatorNotAllowed, broker.CheckId);
            Assert.Contains(expected.Decision.Reason, broker.Description, StringComparison.Ordinal);
        }
    }

    /// <summary>The child run as the broker records it: the lineage and the actors from the root down to the caller.</summary>
    private static RunRecord ChildRun(RunRecord template, PolicyTestCase c)
    {
        var rootFirst = c.Delegators.Reverse().ToList();
        var id = c.Input.RunId!;
        return template with
        {
            Id = id,
            Lineage = string.Join('/', rootFirst.Select(d => d.Run).Append(id)),
            Depth = c.Input.DelegationDepth,
            Agent = c.Input.Agent,
            Actors = [.. rootFirst.Select(d => d.Agent), c.Input.Agent],
        };
    }

    private static PolicyProvider LoadPolicy(TempDirectory folder, TimeProvider clock)
    {
        var path = folder.File("policy.yaml");
        File.WriteAllText(path, DelegationCases.PolicyText);
        return PolicyProvider.Load(path, clock);
    }

    private static PolicyTestFile Cases()
    {
        var file = PolicyTestReader.Read(DelegationCases.TestFile, "delegation.tests.yaml");
        Assert.Empty(file.Problems);
        return file;
    }

    private static PolicyTestResult Runner(string name)
    {
        var result = Assert.Single(PolicyTestRunner.Run(PolicyTestData.Load(DelegationCases.PolicyText), Cases().Cases), r => r.Case.Name == name);
        Assert.True(result.Passed, result.Failure);
        return result;
    }

    private static TheoryData<string> Names(Func<PolicyTestCase, bool> which) => [.. Cases().Cases.Where(which).Select(c => c.Name)];
}
