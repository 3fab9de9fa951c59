using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Mandate.Policy.Testing;

/// <summary>
/// A request with <c>delegators:</c> is a sub-agent's: the list is the chain above the calling agent, nearest first,
/// each <c>{agent: SPIFFE ID, run: id}</c> (or the agent alone). The broker decides such a request again for every one
/// of them in its own run and depth (invariant 3), and so does the test runner; the calling agent's depth is the
/// chain's length, so a <c>depth:</c> that says otherwise is refused rather than tested as a request the broker never sees.
/// </summary>
public static partial class PolicyTestReader
{
    private static readonly string[] DelegatorKeys = ["agent", "run"];

    /// <summary>
    /// The agents a request's <c>delegators:</c> lists, nearest first, each placed at its depth (the root at 0) and in its
    /// <c>run</c> (default <c>run-d</c> and the depth); empty without <c>delegators:</c>; <paramref name="problem"/> says why it cannot be read.
    /// </summary>
    /// <param name="r">The request mapping.</param>
    /// <param name="problem">Why the list cannot be read (with its line), or null.</param>
    public static IReadOnlyList<DelegatingAgent>? TryReadDelegators(YamlMappingNode r, out string? problem) =>
        TryRead(() => ReadDelegators(r), out problem);

    private static List<DelegatingAgent> ReadDelegators(YamlMappingNode r)
    {
        if (!r.Children.TryGetValue("delegators", out var node))
        {
            return [];
        }

        if (node is not YamlSequenceNode list)
        {
            throw new FormatException($"{At(node)}: delegators must be a list of the agents above the calling agent, nearest first, "
                + "e.g. [{agent: \"spiffe://acme.example/agents/support\", run: run_parent}]");
        }

        var chain = new List<DelegatingAgent>(list.Children.Count);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var depth = list.Children.Count - 1 - i;
            var (agent, run) = list.Children[i] switch
            {
                YamlScalarNode s => (s.Value, null),
                YamlMappingNode m => (Scalar(m, "agent"), Scalar(m, "run")),
                _ => (null, null),
            };
            if (agent is not { Length: > 0 })
            {
                throw new FormatException($"{At(list.Children[i])}: delegators[{i}] needs 'agent', the delegating agent's SPIFFE ID "
                    + "(and optionally 'run', its run id)");
            }

            chain.Add(new DelegatingAgent(agent, run ?? GeneratedRun(depth), depth));
        }

        return chain;
    }

    /// <summary>The calling agent's delegation depth: the chain's length; a <c>depth:</c> may only repeat it.</summary>
    private static int ReadDepth(YamlMappingNode r, int delegators)
    {
        if (!r.Children.TryGetValue("depth", out var node))
        {
            return delegators;
        }

        if (node is not YamlScalarNode { Value: { } text } || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var depth))
        {
            throw new FormatException($"{At(node)}: depth must be a whole number (the calling agent's delegation depth, 0 for a root run)");
        }

        if (depth != delegators)
        {
            throw new FormatException($"{At(node)}: depth {depth} disagrees with delegators: a request with {delegators} agent(s) above "
                + $"the caller is made at depth {delegators}, as the broker makes it; list every agent up the chain in 'delegators' "
                + "(nearest first), or remove 'depth'");
        }

        return depth;
    }

    /// <summary>The run id a delegator or the caller gets when the case names none: one per depth, so each agent is in its own run.</summary>
    private static string GeneratedRun(int depth) => $"run-d{depth}";

    private static string At(YamlNode node) => $"line {node.Start.Line}, column {node.Start.Column}";

    private static IEnumerable<string> UnknownDelegatorKeys(YamlMappingNode r) =>
        r.Children.TryGetValue("delegators", out var node) && node is YamlSequenceNode list
            ? list.Children.Select((entry, i) => (Entry: entry as YamlMappingNode, Index: i))
                .Where(e => e.Entry is not null)
                .SelectMany(e => UnknownKeys(e.Entry!, $"request.delegators[{e.Index}]", DelegatorKeys))
            : [];
}
