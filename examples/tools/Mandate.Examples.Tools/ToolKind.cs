namespace Mandate.Examples.Tools;

/// <summary>The example tools, with the resource URI and workload each is registered under at the broker.</summary>
public sealed record ToolKind(string Name, string Resource, string Workload)
{
    /// <summary>Payments: refunds:read, refunds:write.</summary>
    public static readonly ToolKind Refunds = new("refunds", "https://refunds.acme.example", "spiffe://acme.example/tools/refunds");

    /// <summary>Customer records: crm:read, crm:write.</summary>
    public static readonly ToolKind Crm = new("crm", "https://crm.acme.example", "spiffe://acme.example/tools/crm");

    /// <summary>Source code: code:read, code:write.</summary>
    public static readonly ToolKind Code = new("code", "https://code.acme.example", "spiffe://acme.example/tools/code");

    /// <summary>All three.</summary>
    public static IReadOnlyList<ToolKind> All { get; } = [Refunds, Crm, Code];
}
