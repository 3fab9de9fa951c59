namespace Mandate.Core.Configuration;

/// <summary>The names of the built-in <see cref="IssuerProfile"/>s as written in issuers[].profile and recorded in audit evidence.</summary>
public static class IssuerProfileNames
{
    private static readonly (IssuerProfile Profile, string Name)[] All =
    [
        (IssuerProfile.JwtSvid, "jwt-svid"),
        (IssuerProfile.Kubernetes, "kubernetes"),
        (IssuerProfile.GitHubActions, "github-actions"),
        (IssuerProfile.Oidc, "oidc"),
    ];

    /// <summary>The names accepted in issuers[].profile.</summary>
    public static IEnumerable<string> Names => All.Select(p => p.Name);

    /// <summary>The profile named <paramref name="name"/> in configuration, if any.</summary>
    public static IssuerProfile? Parse(string name) =>
        All.FirstOrDefault(p => p.Name == name) is { Name: not null } found ? found.Profile : null;

    /// <summary>The configuration name of <paramref name="profile"/>.</summary>
    public static string NameOf(IssuerProfile profile) => All.First(p => p.Profile == profile).Name;
}
