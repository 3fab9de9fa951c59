using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mandate.Policy.Testing;

/// <summary>YAML nodes as expression values: plain scalars that look like numbers, booleans or null become those.</summary>
internal static class YamlValues
{
    public static object? ToValue(YamlNode node) => node switch
    {
        YamlSequenceNode s => s.Select(ToValue).ToList(),
        YamlMappingNode m => m.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value ?? "", e => ToValue(e.Value), StringComparer.Ordinal),
        YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } q => q.Value,
        YamlScalarNode s => Plain(s.Value),
        _ => null,
    };

    private static object? Plain(string? text) => text switch
    {
        null or "" or "~" or "null" => null,
        "true" => true,
        "false" => false,
        _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => text,
    };
}
