using Mandate.Core.Configuration;
using Mandate.Core.Development;

namespace Mandate.Cli.Tests.Durability;

/// <summary>
/// Tokens of the configuration's development issuers, signed in this process as <c>mandate dev token</c> signs them, for
/// drills that need one per user. Each issuer's key stays open while the drill signs: IdentityModel caches a signature
/// provider per key id, and a second <see cref="DevIssuer"/> with the same kid would meet the first one's disposed key.
/// </summary>
internal sealed class DevTokens : IDisposable
{
    private readonly MandateOptions _options;
    private readonly DevIssuer _users;
    private readonly DevIssuer _workloads;

    public DevTokens(string config)
    {
        _options = ConfigLoader.LoadFile(config);
        _users = DevIssuer.Ensure(_options.Issuers.Single(i => i.Name == "idp"), _options.DataDirectory);
        _workloads = DevIssuer.Ensure(_options.Issuers.Single(i => i.Name == "workloads"), _options.DataDirectory);
    }

    /// <summary>A user token of tenant <c>acme</c>, issued now or at <paramref name="issuedAt"/> (valid until 10 minutes from now).</summary>
    public string User(string user, DateTimeOffset? issuedAt = null) =>
        Sign(_users, user, new Dictionary<string, object> { [_users.Options.TenantClaim] = "acme" }, issuedAt ?? DateTimeOffset.UtcNow);

    /// <summary>A workload token (JWT-SVID style) for <paramref name="spiffeId"/>.</summary>
    public string Workload(string spiffeId) => Sign(_workloads, spiffeId, null, DateTimeOffset.UtcNow);

    private string Sign(DevIssuer issuer, string subject, Dictionary<string, object>? claims, DateTimeOffset issuedAt) =>
        issuer.CreateToken(subject, issuer.Options.Audience ?? _options.Issuer, DateTimeOffset.UtcNow.AddMinutes(10) - issuedAt, claims, issuedAt);

    public void Dispose()
    {
        _users.Dispose();
        _workloads.Dispose();
    }
}
