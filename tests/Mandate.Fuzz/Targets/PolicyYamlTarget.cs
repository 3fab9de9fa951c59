using Mandate.Core.Policy;
using Mandate.Fuzz.Generation;
using Mandate.Fuzz.Running;
using Mandate.Policy;

namespace Mandate.Fuzz.Targets;

/// <summary>
/// Policy YAML (read at start and on every reload): mutated shipped policies, as bytes. Oracle: a snapshot
/// xor a list of problems, each with a message; the loader never throws for content.
/// </summary>
internal sealed class PolicyYamlTarget : FuzzTarget<byte[]>
{
    public override string Name => "policy_yaml";

    public override string Covers => "PolicyParser.Parse (YAML reader, rule reader, CEL conditions at load)";

    protected override byte[] Generate(Random random) => random.Next(12) == 0
        ? Mutations.RandomBytes(random, 400)
        : YamlMutations.MutateToBytes(random, Mutations.Pick(random, YamlSeeds.Policies));

    protected override ValueTask<Verdict> CheckAsync(byte[] input)
    {
        var result = PolicyParser.Parse(input, "policy.yaml");
        if (result.IsValid == result.Problems.Count > 0)
        {
            return Verdict.Task(Verdict.Broken("a snapshot and problems both present or both absent"));
        }

        return Verdict.Task(result.Problems.Any(p => string.IsNullOrWhiteSpace(p.Message)) ? Verdict.Broken("a problem without a message") : result.IsValid ? Verdict.Accepted : Verdict.Refused);
    }

    protected override string Describe(byte[] input) => FuzzFinding.Excerpt(input);
}
