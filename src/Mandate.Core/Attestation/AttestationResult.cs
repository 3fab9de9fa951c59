namespace Mandate.Core.Attestation;

/// <summary>
/// Either an attested identity or why not. <see cref="Failure"/> is client-safe: it names the check and
/// the fix and never echoes token contents; <see cref="Detail"/> is for server logs only.
/// </summary>
public sealed record AttestationResult<T>
    where T : class
{
    public T? Identity { get; init; }
    public string? Failure { get; init; }
    public string? Detail { get; init; }

    /// <summary>The check that refused, when more specific than the token's own check (e.g. <see cref="AttestChecks.TrustDomain"/>).</summary>
    public Protocol.Check? Check { get; init; }
}
