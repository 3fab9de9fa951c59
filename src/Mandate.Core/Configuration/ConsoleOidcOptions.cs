namespace Mandate.Core.Configuration;

/// <summary><c>console.oidc:</c> the company's OpenID provider the console signs people in with (code flow + PKCE).</summary>
public sealed record ConsoleOidcOptions
{
    /// <summary>The provider's issuer URL; its discovery document is read from <c>/.well-known/openid-configuration</c>.</summary>
    public required Uri Issuer { get; init; }

    public required string ClientId { get; init; }

    /// <summary>The client secret (<c>client_secret_env</c> or <c>client_secret_file</c>); null means a public client (PKCE alone).</summary>
    public ConfiguredSecret? ClientSecret { get; init; }

    /// <summary>Scopes asked for. Default <c>openid profile</c>.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = ["openid", "profile"];

    /// <summary>The ID token claim holding the user's roles (a string or an array). Default <c>roles</c>.</summary>
    public string RoleClaim { get; init; } = "roles";

    /// <summary>Claim values that make a viewer (sees everything, changes nothing).</summary>
    public IReadOnlyList<string> Viewers { get; init; } = [];

    /// <summary>Claim values that make an approver (approves and denies, within <see cref="ConsoleOptions.Approvers"/>).</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];

    /// <summary>Claim values that make an admin (every change: approvals, kill switch, revocations).</summary>
    public IReadOnlyList<string> Admins { get; init; } = [];

    /// <summary>True when the issuer is on this machine: only then may its metadata be fetched over plain HTTP.</summary>
    public bool IsLoopbackIssuer => Issuer.IsLoopback;
}
