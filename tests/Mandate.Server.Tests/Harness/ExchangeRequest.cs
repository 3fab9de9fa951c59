namespace Mandate.Server.Tests.Harness;

/// <summary>An RFC 8693 token exchange as form parameters. Null leaves a parameter out.</summary>
public sealed record ExchangeRequest
{
    public const string TokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string JwtType = "urn:ietf:params:oauth:token-type:jwt";
    public const string TxnTokenType = "urn:ietf:params:oauth:token-type:txn_token";

    public string? GrantType { get; init; } = TokenExchange;
    public required string? ActorToken { get; init; }
    public string? ActorTokenType { get; init; } = JwtType;
    public required string? SubjectToken { get; init; }
    public string? SubjectTokenType { get; init; } = JwtType;
    public string? Resource { get; init; }
    public string? Audience { get; init; }
    public string? Scope { get; init; }
    public string? Tenant { get; init; }
    public string? Run { get; init; }
    public string? RequestedTokenType { get; init; }
    public string? EvidenceSubject { get; init; }

    /// <summary>requested_lifetime in seconds.</summary>
    public int? RequestedLifetime { get; init; }

    public IEnumerable<KeyValuePair<string, string>> ToForm()
    {
        (string Name, string? Value)[] all =
        [
            ("grant_type", GrantType), ("subject_token", SubjectToken), ("subject_token_type", SubjectTokenType),
            ("actor_token", ActorToken), ("actor_token_type", ActorTokenType), ("resource", Resource), ("audience", Audience),
            ("scope", Scope), ("tenant", Tenant), ("run", Run), ("requested_token_type", RequestedTokenType),
            ("evidence_subject", EvidenceSubject),
            ("requested_lifetime", RequestedLifetime?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        return all.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string>(p.Name, p.Value!));
    }
}
