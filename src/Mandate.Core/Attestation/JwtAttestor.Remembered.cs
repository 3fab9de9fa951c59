using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>
/// Repeated identities: a token attested before, by its exact text, is served without being parsed, checked and
/// mapped again. What can change since is judged again: that its issuer is still configured as it was, that the
/// issuer still publishes the key that signed it, and its lifetime, by the same rule as a fresh validation.
/// </summary>
public sealed partial class JwtAttestor
{
    /// <summary>The hash <paramref name="token"/> is remembered by; null when nothing is remembered or it is too long to be a token.</summary>
    private string? RememberedHash(string token) =>
        _cache.Enabled && token.Length <= MaxTokenLength ? ValidatedTokenCache.Hash(token) : null;

    /// <summary>The identity remembered for <paramref name="token"/> as <paramref name="kind"/>, or the token parsed and attested.</summary>
    private async Task<AttestationResult<TIdentity>> AttestAsync<TIdentity>(
        string token, IssuerKind kind, string parameter, Func<JsonWebToken, string?, Task<AttestationResult<TIdentity>>> attest, CancellationToken cancellationToken)
        where TIdentity : class
    {
        var hash = RememberedHash(token);
        if (await RememberedAsync<TIdentity>(hash, kind, cancellationToken) is { } known)
        {
            return new AttestationResult<TIdentity> { Identity = known };
        }

        return CompactJwt.TryRead(token, out var jwt)
            ? await attest(jwt, hash)
            : Unreadable<TIdentity>(token, parameter);
    }

    private async Task<TIdentity?> RememberedAsync<TIdentity>(string? tokenHash, IssuerKind kind, CancellationToken cancellationToken)
        where TIdentity : class
    {
        if (tokenHash is null || _cache.FindAttested(ValidatedTokenCache.Key(tokenHash, kind)) is not { } remembered
            || remembered.Attested.Identity is not TIdentity identity)
        {
            return null;
        }

        var issuer = remembered.Issuer;
        if (!_byIssuer.TryGetValue(issuer.Options.Issuer, out var current) || !ReferenceEquals(current, issuer))
        {
            return null;
        }

        // Anything that does not hold any more is left to the full validation, which refuses with its own words.
        IReadOnlyList<SecurityKey> keys;
        try
        {
            keys = await issuer.Keys.GetKeysAsync(remembered.Attested.Kid, cancellationToken);
        }
        catch (InvalidDataException)
        {
            return null;
        }

        if (!StillTrusted(remembered.SigningKey, keys))
        {
            return null;
        }

        try
        {
            ValidLifetime(remembered.Attested.NotBefore, remembered.Attested.Expires, issuer.Options.ClockSkew);
        }
        catch (SecurityTokenException)
        {
            return null;
        }

        return identity;
    }

    /// <summary>Remembers what a token that passed every check was attested as.</summary>
    private void Remember(string? tokenHash, IssuerKind kind, JsonWebToken jwt, TrustedIssuer issuer, object identity)
    {
        if (tokenHash is not null)
        {
            _cache.Attach(ValidatedTokenCache.Key(tokenHash, kind), issuer, new ValidatedTokenCache.Attested(identity, jwt.Kid, jwt.ValidFrom, jwt.ValidTo));
        }
    }
}
