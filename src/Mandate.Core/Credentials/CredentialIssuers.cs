using Mandate.Core.Configuration;

namespace Mandate.Core.Credentials;

/// <summary>The registered credential issuers by kind; kinds without one are minted as Mandate JWTs.</summary>
public sealed class CredentialIssuers
{
    private readonly Dictionary<CredentialKind, ICredentialIssuer> _byKind;

    public CredentialIssuers(IEnumerable<ICredentialIssuer> issuers)
    {
        ArgumentNullException.ThrowIfNull(issuers);
        _byKind = new Dictionary<CredentialKind, ICredentialIssuer>();
        foreach (var issuer in issuers)
        {
            if (!_byKind.TryAdd(issuer.Kind, issuer))
            {
                throw new InvalidOperationException($"two credential issuers are registered for kind {issuer.Kind}");
            }
        }
    }

    /// <summary>The issuer for <paramref name="kind"/>, or null when the built-in JWT minting applies.</summary>
    public ICredentialIssuer? For(CredentialKind kind) => _byKind.GetValueOrDefault(kind);
}
