namespace Mandate.ResourceServer;

/// <summary>When the handler asks the broker (RFC 7662) whether a locally valid credential is still active.</summary>
public enum IntrospectionMode
{
    /// <summary>Never: trust the signature and expiry; a revoked credential works until it expires (minutes).</summary>
    Never,

    /// <summary>On every request: revocation bites at once, at the price of one broker round trip per call.</summary>
    Always,

    /// <summary>Only for requests <see cref="MandateIntrospectionOptions.IsWrite"/> selects (default: unsafe HTTP methods).</summary>
    OnlyForWrites,
}
