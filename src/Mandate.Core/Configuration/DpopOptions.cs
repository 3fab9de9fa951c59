namespace Mandate.Core.Configuration;

/// <summary><c>dpop:</c> settings for DPoP proofs at the token endpoint (RFC 9449).</summary>
public sealed record DpopOptions
{
    /// <summary>Demand a server nonce in every proof (RFC 9449 §8). Default false.</summary>
    public bool RequireNonce { get; init; }

    /// <summary>Proof algorithms accepted and advertised. Default ES256, PS256, RS256.</summary>
    public IReadOnlyList<string> AllowedAlgorithms { get; init; } = ["ES256", "PS256", "RS256"];

    /// <summary>How far a proof's <c>iat</c> may be from the server clock. Default 60s.</summary>
    public TimeSpan IatWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often server nonces rotate; a nonce is accepted for one to two of these. Default 5m.</summary>
    public TimeSpan NonceLifetime { get; init; } = TimeSpan.FromMinutes(5);
}
