using System.Globalization;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Grants;

/// <summary>
/// One request to the token endpoint, parsed once by the host: the form parameters (already checked for
/// duplicates and encoding), typed, and what the transport proved about the caller (<see cref="Binding"/>).
/// Grants read the typed members; a credential kind may read its own extra parameter through the indexer.
/// </summary>
public sealed record TokenRequest
{
    /// <summary>Types <paramref name="parameters"/>; values are kept as sent, the grant's first stage validates them.</summary>
    public TokenRequest(IReadOnlyDictionary<string, string> parameters, SenderBinding? binding = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        Binding = binding ?? SenderBinding.None;
        GrantType = Get(P.GrantType);
        SubjectToken = Get(P.SubjectToken);
        SubjectTokenType = Get(P.SubjectTokenType);
        ActorToken = Get(P.ActorToken);
        ActorTokenType = Get(P.ActorTokenType);
        RequestedTokenType = Get(P.RequestedTokenType);
        Resource = Get(P.Resource);
        Audience = Get(P.Audience);
        Scope = Get(P.Scope);
        Tenant = Get(P.Tenant);
        Run = Get(P.Run);
        AuthorizationDetails = Get(P.AuthorizationDetails);
        EvidenceSubject = Get(P.EvidenceSubject);
        AuthReqId = Get(P.AuthReqId);
        ClientId = Get(P.ClientId);
        RequestedLifetimeText = Get(P.RequestedLifetime);
        if (int.TryParse(RequestedLifetimeText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            RequestedLifetime = TimeSpan.FromSeconds(seconds);
        }
    }

    /// <summary>Every form parameter as sent.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>The client certificate and DPoP proof the host validated (docs/sender-constraint.md).</summary>
    public SenderBinding Binding { get; }

    public string? GrantType { get; }
    public string? SubjectToken { get; }
    public string? SubjectTokenType { get; }
    public string? ActorToken { get; }
    public string? ActorTokenType { get; }
    public string? RequestedTokenType { get; }

    /// <summary>RFC 8707 resource: the tool's URI.</summary>
    public string? Resource { get; }

    /// <summary>RFC 8693 audience: the tool's name or URI.</summary>
    public string? Audience { get; }

    /// <summary>The space-separated scope as sent.</summary>
    public string? Scope { get; }

    public string? Tenant { get; }

    /// <summary>A caller-named run (a label outside a run token).</summary>
    public string? Run { get; }

    /// <summary>RFC 9396 authorization_details JSON, unparsed.</summary>
    public string? AuthorizationDetails { get; }

    public string? EvidenceSubject { get; }

    /// <summary>CIBA §10.1 auth_req_id of an approval poll.</summary>
    public string? AuthReqId { get; }

    /// <summary>RFC 6749 §3.2.1 client_id, when the caller names itself: it must be the attested workload.</summary>
    public string? ClientId { get; }

    /// <summary>requested_lifetime as sent; validation refuses anything but 1 to 86400 seconds.</summary>
    public string? RequestedLifetimeText { get; }

    /// <summary>requested_lifetime as a duration, when it is a positive whole number of seconds.</summary>
    public TimeSpan? RequestedLifetime { get; }

    /// <summary>The tool named by <see cref="Resource"/> or else <see cref="Audience"/>.</summary>
    public string? Target => Resource ?? Audience;

    /// <summary>A parameter by name (e.g. a credential kind's own parameter), or null.</summary>
    public string? this[string name] => Get(name);

    private string? Get(string name) => Parameters.GetValueOrDefault(name);
}
