namespace Mandate.SenderConstraint.Jose;

/// <summary>What a verifier expects of a JWT beyond the rules every token meets (<see cref="IncomingJwtRules"/>).</summary>
public sealed record IncomingJwtExpectations
{
    /// <summary>No identity claims beyond <c>sub</c> and <c>jti</c>, and no <c>iat</c> check.</summary>
    public static IncomingJwtExpectations None { get; } = new();

    /// <summary>
    /// Claims that become principals or are copied into credentials and audit records (a tenant claim, the claims a
    /// SPIFFE ID is built from, run ids): when present each must be a JSON string meeting <see cref="IdentityText"/>.
    /// <c>sub</c> and <c>jti</c> always are.
    /// </summary>
    public IReadOnlyCollection<string> IdentityClaims { get; init; } = [];

    /// <summary>The verifier's clock; when set, an <c>iat</c> later than this plus <see cref="ClockSkew"/> is refused.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>Tolerance between the issuer's clock and the verifier's. Default 30 seconds.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);
}
