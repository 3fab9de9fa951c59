namespace Mandate.Policy;

/// <summary>Decision details for an MCP tools/call.</summary>
public sealed partial record Decision
{
    /// <summary>The deciding <c>mcp:</c> rule lets the call's audit record (and approval) hold the arguments themselves.</summary>
    public bool RecordArguments { get; init; }
}
