using Mandate.Policy;
using YamlDotNet.RepresentationModel;

namespace Mandate.Cli.Commands;

/// <summary>
/// A broker configuration (mandate.yaml) given where a policy file belongs: said plainly, naming the policy file the
/// configuration points to, instead of every configuration key reported as unknown to the policy language.
/// </summary>
internal static class ConfigInPlaceOfPolicy
{
    // Top-level keys of a broker configuration; a policy has one, 'rules'. Two of them settle it: a stray key in a policy does not.
    private static readonly string[] ConfigKeys = ["trust_domain", "issuer", "issuers", "agents", "tools", "listen", "policy", "data_dir", "store", "spiffe", "proxy"];

    /// <summary>
    /// When <paramref name="path"/> is a broker configuration, reports it (naming <paramref name="command"/> and the policy
    /// file the configuration uses) and returns true; false for anything else, which the policy loader then reports.
    /// </summary>
    public static bool Report(string path, string command)
    {
        if (Read(path) is not { } root)
        {
            return false;
        }

        var keys = root.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToList();
        var found = keys.Where(ConfigKeys.Contains).ToList();
        if (keys.Contains("rules") || found.Count < 2)
        {
            return false;
        }

        // The configuration's 'policy' is relative to the configuration's own folder (ConfigLoader), so it is shown that way too.
        var policy = root.Children.TryGetValue(new YamlScalarNode("policy"), out var value) && value is YamlScalarNode { Value: { Length: > 0 } name }
            ? Path.Combine(Path.GetDirectoryName(path) ?? "", name)
            : null;
        Output.Error($"{path} is a broker configuration (it has {string.Join(", ", found)}), not a policy file: '{command}' takes the policy file"
            + (policy is null ? ", and this configuration names none (its 'policy' key)" : $"; this configuration's policy file is {policy}"));
        return true;
    }

    private static YamlMappingNode? Read(string path)
    {
        try
        {
            return YamlText.TryLoad(File.ReadAllText(path), out _) is { Documents: [{ RootNode: YamlMappingNode root }, ..] } ? root : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
