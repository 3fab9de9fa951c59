namespace Mandate.Policy;

/// <summary>Reads <c>http:</c>, the rule's egress-proxy allow-list: <c>["GET /v1/charges/*", {method: POST, path: /v1/refunds}]</c>.</summary>
internal sealed partial class PolicyRuleReader
{
    private static readonly string[] HttpEntryKeys = ["method", "path"];

    private List<HttpAllowEntry>? _http;
    private PolicyYamlNode? _httpNode;

    private bool ReadHttpEntry(PolicyYamlScalar key, PolicyYamlNode value)
    {
        if (key.Value != "http")
        {
            return false;
        }

        _httpNode = value;
        if (value is not PolicyYamlSequence { Items.Count: > 0 } list)
        {
            _problems.Add(PolicyYamlValues.At(value, $"must be a non-empty list such as [\"GET /v1/charges/*\", \"POST /v1/refunds\"], found {value.Kind}"));
            return true;
        }

        var entries = new List<HttpAllowEntry>(list.Items.Count);
        foreach (var item in list.Items)
        {
            var (method, path, at) = item switch
            {
                PolicyYamlScalar { IsNull: false } s when s.Value.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var m, var p] => (m, p, item),
                PolicyYamlMapping map => ReadHttpMapping(map),
                _ => (null, null, item),
            };
            if (method is null || path is null)
            {
                if (item is not PolicyYamlMapping)
                {
                    _problems.Add(PolicyYamlValues.At(at, "each http entry is \"METHOD /path\" or {method: GET, path: /v1/items/*}"));
                }

                continue;
            }

            var entry = HttpAllowEntry.TryParse(method, path, out var error);
            if (entry is null)
            {
                _problems.Add(PolicyYamlValues.At(at, error!));
                continue;
            }

            entries.Add(entry);
        }

        _http = entries.Count == list.Items.Count ? entries : null;
        return true;
    }

    private (string? Method, string? Path, PolicyYamlNode At) ReadHttpMapping(PolicyYamlMapping map)
    {
        string? method = null;
        string? path = null;
        foreach (var (k, v) in map.Entries)
        {
            switch (k.Value)
            {
                case "method":
                    method = PolicyYamlValues.ReadString(v, _problems);
                    break;
                case "path":
                    path = PolicyYamlValues.ReadString(v, _problems);
                    break;
                default:
                    PolicyYamlValues.ReportUnknownKey(k, HttpEntryKeys, _problems);
                    break;
            }
        }

        if (method is null || path is null)
        {
            _problems.Add(PolicyYamlValues.At(map, "an http entry needs both method and path, e.g. {method: GET, path: /v1/items/*}"));
        }

        return (method, path, map);
    }

    private void CheckHttp(bool isDeny)
    {
        if (isDeny && _httpNode is not null)
        {
            _problems.Add(PolicyYamlValues.At(_httpNode, "a deny rule grants nothing, so http does not apply; remove it"));
        }
    }
}
