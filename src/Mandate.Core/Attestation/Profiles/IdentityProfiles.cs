using Mandate.Core.Configuration;

namespace Mandate.Core.Attestation.Profiles;

/// <summary>The built-in profiles by <see cref="IssuerProfile"/>; their names are <see cref="IssuerProfileNames"/>.</summary>
internal static class IdentityProfiles
{
    private static readonly Dictionary<IssuerProfile, IIdentityProfile> ByKind = new()
    {
        [IssuerProfile.JwtSvid] = new JwtSvidProfile(),
        [IssuerProfile.Kubernetes] = new KubernetesProfile(),
        [IssuerProfile.GitHubActions] = new TemplateProfile(IssuerProfileNames.NameOf(IssuerProfile.GitHubActions)),
        [IssuerProfile.Oidc] = new TemplateProfile(IssuerProfileNames.NameOf(IssuerProfile.Oidc)),
    };

    internal static IIdentityProfile For(IssuerProfile profile) => ByKind[profile];
}
