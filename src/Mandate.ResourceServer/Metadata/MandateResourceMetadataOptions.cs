namespace Mandate.ResourceServer;

/// <summary>
/// RFC 9728 protected resource metadata for the service a <see cref="MandateTokenOptions"/> scheme protects. The
/// <c>resource</c> is <see cref="MandateTokenOptions.Audience"/> and the authorization server is
/// <see cref="MandateTokenOptions.Issuer"/>; these options add what clients use to ask for the right credential.
/// Setting <see cref="MandateTokenOptions.ResourceMetadata"/> also adds <c>resource_metadata</c> to every challenge.
/// </summary>
public sealed class MandateResourceMetadataOptions
{
    /// <summary>RFC 9728 §2 <c>resource_name</c>: a human-readable name for consent and logs. Default none.</summary>
    public string? ResourceName { get; set; }

    /// <summary>
    /// RFC 9728 §2 <c>scopes_supported</c>. The MCP authorization chapter asks for the minimal set for basic
    /// functionality (e.g. the read scopes); more are obtained by step-up. Default none (the member is omitted).
    /// </summary>
    public IList<string> ScopesSupported { get; } = [];

    /// <summary>
    /// The <c>scope</c> a 401 challenge names (MCP "scope selection strategy": clients ask for these first).
    /// Default none: the challenge carries no <c>scope</c> and clients fall back to <see cref="ScopesSupported"/>.
    /// </summary>
    public IList<string> ChallengeScopes { get; } = [];

    /// <summary>RFC 9728 §2 <c>resource_documentation</c>: a page for developers. Default none.</summary>
    public Uri? ResourceDocumentation { get; set; }
}
