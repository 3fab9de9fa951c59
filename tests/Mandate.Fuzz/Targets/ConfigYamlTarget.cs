using Mandate.Core.Configuration;
using Mandate.Fuzz.Generation;
using Mandate.Fuzz.Running;

namespace Mandate.Fuzz.Targets;

/// <summary>
/// mandate.yaml: mutated shipped configurations. Oracle: options, or <see cref="MandateConfigException"/>
/// listing the problems; any other exception would be a crash at start-up instead of a clear message.
/// </summary>
internal sealed class ConfigYamlTarget : FuzzTarget<string>
{
    // Never created: relative paths in the document resolve against it, and the loader only reads.
    private static readonly string FileName = Path.Combine(Path.GetTempPath(), "mandate-fuzz-config", "mandate.yaml");

    public override string Name => "config_yaml";

    public override string Covers => "ConfigLoader.Parse (mandate.yaml: issuers, tools, agents, proxy, SPIFFE, DPoP)";

    protected override string Generate(Random random) => random.Next(12) == 0
        ? Mutations.RandomText(random, 400)
        : YamlMutations.Mutate(random, Mutations.Pick(random, YamlSeeds.Configurations));

    protected override ValueTask<Verdict> CheckAsync(string input)
    {
        try
        {
            _ = ConfigLoader.Parse(input, FileName);
        }
        catch (MandateConfigException e)
        {
            return Verdict.Task(string.IsNullOrWhiteSpace(e.Message) ? Verdict.Broken("a configuration error without a message") : Verdict.Refused);
        }

        return Verdict.Task(Verdict.Accepted);
    }
}
