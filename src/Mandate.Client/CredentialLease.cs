namespace Mandate.Client;

/// <summary>
/// A cached credential and when it was obtained. It is fresh until <see cref="MandateRun.RefreshMargin"/> before the
/// earlier of <c>expires_in</c> and, for a JWT, its own <c>exp</c>: a cache entry never outlives the credential, even
/// when the answer's <c>expires_in</c> overstates it.
/// </summary>
internal sealed record CredentialLease(IssuedCredential Credential, DateTimeOffset ObtainedAt)
{
    /// <summary>When the credential dies, as far as the client can tell.</summary>
    public DateTimeOffset ExpiresAt { get; } = Earlier(ObtainedAt + TimeSpan.FromSeconds(Credential.ExpiresIn), JwtPayload.Expiry(Credential.AccessToken));

    public bool IsFresh(DateTimeOffset now) => now < ExpiresAt - MandateRun.RefreshMargin;

    private static DateTimeOffset Earlier(DateTimeOffset byExpiresIn, DateTimeOffset? byExp) =>
        byExp is { } exp && exp < byExpiresIn ? exp : byExpiresIn;
}
