using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary>agents[].sub_agents: absent, empty and listed are three different answers; a name no agent has is refused.</summary>
public sealed class SubAgentsConfigTests
{
    private const string TwoAgents = WithRefunds + """

        agents:
          - id: spiffe://acme.example/agents/orchestrator
            tenants: [acme]
            tools: [refunds]
            max_delegation_depth: 1
          - id: spiffe://acme.example/agents/executor
            tenants: [acme]
            tools: [refunds]
        """;

    [Fact]
    public void Parse_SubAgentsAbsentEmptyOrListed_AreNullEmptyOrTheList()
    {
        Assert.Null(Parse(TwoAgents).Agents[0].SubAgents);
        Assert.Empty(Parse(WithSubAgents("[]")).Agents[0].SubAgents!);
        Assert.Equal(["spiffe://acme.example/agents/executor"], Parse(WithSubAgents("[spiffe://acme.example/agents/executor]")).Agents[0].SubAgents);
    }

    [Fact]
    public void Parse_SubAgentNoAgentHas_IsRefusedWithTheClosestRegisteredOne()
    {
        var problem = SingleProblem(WithSubAgents("[spiffe://acme.example/agents/executr]"));

        AssertProblem(problem, "agents[0].sub_agents", 17, 17,
            "sub-agent 'spiffe://acme.example/agents/executr' of agent 'spiffe://acme.example/agents/orchestrator' is not registered under agents; did you mean 'spiffe://acme.example/agents/executor'?");
    }

    private static string WithSubAgents(string value) =>
        TwoAgents.Replace("    max_delegation_depth: 1", "    max_delegation_depth: 1\n    sub_agents: " + value, StringComparison.Ordinal);
}
