using Mandate.Core.Configuration;

namespace Mandate.Core.Attestation.Profiles;

/// <summary>The built-in profiles by configuration name.</summary>
public static class IdentityProfiles
{
    private static readonly Dictionary<IssuerProfile, IIdentityProfile> ByKind = new()
    {
        [IssuerProfile.JwtSvid] = new JwtSvidProfile(),
        [IssuerProfile.Kubernetes] = new KubernetesProfile(),
        [IssuerProfile.GitHubActions] = new TemplateProfile("github-actions"),
        [IssuerProfile.Oidc] = new TemplateProfile("oidc"),
    };

    /// <summary>The names accepted in issuers[].profile.</summary>
    public static IEnumerable<string> Names => ByKind.Values.Select(p => p.Name);

    /// <summary>The profile named <paramref name="name"/> in configuration, if any.</summary>
    public static IssuerProfile? Parse(string name) =>
        ByKind.FirstOrDefault(p => p.Value.Name == name) is { Value: not null } found ? found.Key : null;

    /// <summary>The configuration name of <paramref name="profile"/>.</summary>
    public static string NameOf(IssuerProfile profile) => ByKind[profile].Name;

    internal static IIdentityProfile For(IssuerProfile profile) => ByKind[profile];
}
