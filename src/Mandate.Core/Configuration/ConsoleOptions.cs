namespace Mandate.Core.Configuration;

/// <summary>
/// The web console (<c>console:</c> in mandate.yaml): its own listener, off by default, loopback by default.
/// People sign in with the company's OpenID provider; <c>mandate console login</c> prints a one-time admin
/// login outside production.
/// </summary>
public sealed record ConsoleOptions
{
    /// <summary>
    /// URL of the console listener, e.g. <c>http://127.0.0.1:8470</c>. Null (the default) disables the console.
    /// Anything beyond loopback must be <c>https://</c> with the broker's <c>tls:</c> certificate.
    /// </summary>
    public string? Listen { get; init; }

    /// <summary>The URL people open (behind a reverse proxy, say); default the listener's own address.</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>Sign-in with an OpenID provider; null allows only the one-time admin login.</summary>
    public ConsoleOidcOptions? Oidc { get; init; }

    /// <summary>Which approvals a console approver (not an admin) may decide; empty lists limit nothing.</summary>
    public ConsoleApproverLimits Approvers { get; init; } = new();

    /// <summary>How long a console session lasts without a request. Default 15 minutes.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a console session lasts at most, however active it is (OWASP ASVS 5.0 7.3.2): then the person signs in
    /// again and their role is read again. Default 8 hours.
    /// </summary>
    public TimeSpan SessionMax { get; init; } = TimeSpan.FromHours(8);

    public bool Enabled => Listen is not null;
}
