namespace Mandate.Core.Audit;

/// <summary>Audit kinds of the vault and the egress proxy (beside <see cref="AuditKinds"/>).</summary>
public static class EgressAuditKinds
{
    /// <summary>A tool's vaulted secret was set or deleted (outcome <c>set</c> / <c>deleted</c>); metadata only.</summary>
    public const string Secret = "secret";

    /// <summary>One call through the egress proxy: forwarded (with the upstream status) or refused, and why.</summary>
    public const string ProxyCall = "proxy_call";
}
