using YamlDotNet.RepresentationModel;

namespace Mandate.Core.Configuration;

/// <summary>Reads <c>tools[].authorization_details_types</c>: <c>{type: refund, fields: {amount: number, note: string?}}</c>.</summary>
internal static class AuthorizationDetailsConfig
{
    public static AuthorizationDetailsType? ReadType(YamlMapping m)
    {
        var type = m.String("type", required: true);
        var fields = m.Map("fields", ReadFields);
        return type is null ? null : new AuthorizationDetailsType { Type = type, Fields = fields };
    }

    private static Dictionary<string, DetailField> ReadFields(YamlMapping m)
    {
        var fields = new Dictionary<string, DetailField>(StringComparer.Ordinal);
        var node = (YamlMappingNode)m.Node;
        foreach (var key in node.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).ToList())
        {
            var text = m.String(key, required: true);
            if (text is null)
            {
                continue;
            }

            var required = !text.EndsWith('?');
            DetailFieldKind? kind = text.TrimEnd('?') switch
            {
                "string" => DetailFieldKind.Text,
                "number" => DetailFieldKind.Number,
                "bool" => DetailFieldKind.Flag,
                _ => null,
            };
            if (key == "type")
            {
                m.Problem(key, "'type' is implied; declare only the other fields");
            }
            else if (kind is null)
            {
                m.Problem(key, $"'{text}' is not a field kind; write string, number or bool (add '?' for optional, e.g. string?)");
            }
            else
            {
                fields[key] = new DetailField(kind.Value, required);
            }
        }

        return fields;
    }
}
