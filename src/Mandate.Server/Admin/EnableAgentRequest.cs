namespace Mandate.Server.Admin;

/// <summary>Body of POST /admin/agents/enable.</summary>
public sealed record EnableAgentRequest(string? Agent, string? Reason, string? By);
