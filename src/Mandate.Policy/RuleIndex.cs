using System.Collections.Frozen;

namespace Mandate.Policy;

/// <summary>
/// Finds the rules that can apply to a (tool, agent) pair with two dictionary lookups, so
/// evaluation scans only those rather than the whole policy. Rules for <c>tools: ['*']</c> join
/// every tool's bucket; rules with an agent pattern join every agent's list for their tools. Each
/// list keeps file order, which decides the first matching allow.
/// </summary>
public sealed class RuleIndex
{
    private readonly FrozenDictionary<string, AgentIndex> _byTool;
    private readonly AgentIndex _otherTools;

    internal RuleIndex(IReadOnlyList<PolicyRule> rules)
    {
        var anyTool = rules.Where(r => r.Tools.Contains(PolicyRule.AnyTool)).ToList();
        _otherTools = new AgentIndex(anyTool);
        _byTool = rules
            .SelectMany(r => r.Tools)
            .Where(t => t != PolicyRule.AnyTool)
            .Distinct(StringComparer.Ordinal)
            .ToFrozenDictionary(
                tool => tool,
                tool => new AgentIndex(rules.Where(r => r.Tools.Contains(tool) || r.Tools.Contains(PolicyRule.AnyTool)).ToList()),
                StringComparer.Ordinal);
    }

    /// <summary>
    /// Rules that may apply; callers still check the agent, since patterns are only candidates. An empty tool name is
    /// no tool: no rule applies to it, not even one for every tool.
    /// </summary>
    public RuleCandidates Find(string tool, string agent)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return tool.Length == 0 ? RuleCandidates.None : (_byTool.TryGetValue(tool, out var agents) ? agents : _otherTools).Find(agent);
    }

    private sealed class AgentIndex
    {
        private readonly FrozenDictionary<string, RuleCandidates> _byAgent;
        private readonly RuleCandidates _patternsOnly;

        public AgentIndex(List<PolicyRule> rules)
        {
            var withPatterns = rules.Where(r => r.AgentPatterns.Any(p => !p.IsExact)).ToList();
            _patternsOnly = new RuleCandidates(withPatterns);
            _byAgent = rules
                .SelectMany(r => r.AgentPatterns)
                .Where(p => p.IsExact)
                .Select(p => p.Text)
                .Distinct(StringComparer.Ordinal)
                .ToFrozenDictionary(
                    agent => agent,
                    agent => new RuleCandidates(rules.Where(r => r.AgentPatterns.Any(p => !p.IsExact || p.Text == agent)).ToList()),
                    StringComparer.Ordinal);
        }

        public RuleCandidates Find(string agent) =>
            _byAgent.TryGetValue(agent, out var candidates) ? candidates : _patternsOnly;
    }
}
