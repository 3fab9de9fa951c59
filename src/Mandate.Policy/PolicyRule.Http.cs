namespace Mandate.Policy;

/// <summary>The rule's HTTP allow-list, enforced by the egress proxy on every proxied call.</summary>
public sealed partial class PolicyRule
{
    /// <summary>
    /// Allow rules: the method/path pairs a credential granted by this rule may call through the egress
    /// proxy. Null means the rule wrote no <c>http:</c> key, and the proxy forwards nothing for it (default deny).
    /// </summary>
    public IReadOnlyList<HttpAllowEntry>? Http { get; internal init; }

    /// <summary>The first allow-list entry matching the request, or null.</summary>
    public HttpAllowEntry? AllowsHttp(string method, IReadOnlyList<string> pathSegments)
    {
        foreach (var entry in Http ?? [])
        {
            if (entry.Matches(method, pathSegments))
            {
                return entry;
            }
        }

        return null;
    }
}
