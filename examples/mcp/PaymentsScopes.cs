namespace Mandate.Examples.Mcp;

/// <summary>The operations the example MCP server knows and which tool needs which.</summary>
public static class PaymentsScopes
{
    /// <summary>Read orders (lookup_order) and list the tools.</summary>
    public const string OrdersRead = "orders:read";

    /// <summary>Issue refunds (refund).</summary>
    public const string RefundsWrite = "refunds:write";

    /// <summary>Tool name → the scopes a call of it needs; the same map an agent's client handler may use to ask for them.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ByTool { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [PaymentsTools.LookupOrderName] = [OrdersRead],
        [PaymentsTools.RefundName] = [RefundsWrite],
    };
}
