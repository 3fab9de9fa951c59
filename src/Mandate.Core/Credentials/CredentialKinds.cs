using Mandate.Core.Configuration;

namespace Mandate.Core.Credentials;

/// <summary>The registered credential kinds, one per <see cref="CredentialKind"/>.</summary>
public sealed class CredentialKinds
{
    private readonly Dictionary<CredentialKind, ICredentialKind> _byKind = [];

    public CredentialKinds(IEnumerable<ICredentialKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        foreach (var kind in kinds)
        {
            if (!_byKind.TryAdd(kind.Kind, kind))
            {
                throw new InvalidOperationException($"two credential kinds are registered for {kind.Kind}");
            }
        }
    }

    /// <summary>The kind registered for <paramref name="kind"/>, or null when none is (a configuration error the Issue stage refuses).</summary>
    public ICredentialKind? For(CredentialKind kind) => _byKind.GetValueOrDefault(kind);
}
