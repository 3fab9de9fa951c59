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

    /// <summary>A user token of tenant <c>acme</c>.</summary>
    public string User(string user) => Sign(_users, user, new Dictionary<string, object> { [_users.Options.TenantClaim] = "acme" });

    /// <summary>A workload token (JWT-SVID style) for <paramref name="spiffeId"/>.</summary>
    public string Workload(string spiffeId) => Sign(_workloads, spiffeId, null);

    private string Sign(DevIssuer issuer, string subject, Dictionary<string, object>? claims) =>
        issuer.CreateToken(subject, issuer.Options.Audience ?? _options.Issuer, TimeSpan.FromMinutes(10), claims, DateTimeOffset.UtcNow);

    public void Dispose()
    {
        _users.Dispose();
        _workloads.Dispose();
    }
}
